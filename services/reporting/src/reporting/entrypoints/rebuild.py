"""Rebuild the read models by replay: `python -m reporting.entrypoints.rebuild` (`make
rebuild-reports`).

Replays every source topic from offset 0 into a fresh schema while the live one keeps
serving; then, with the live read models held still (the swap lock), catches up to the end of
the topics, proves the rebuilt tables equal to the live ones (row count and md5 per table) and
swaps them in. With `--check-only` it leaves the live schema in place after the check.
"""

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka import TopicPartition

from chassis.kafka import kafka_connection
from chassis.logging import configure_logging
from reporting.adapters.read_model_store import (
    PREVIOUS_SCHEMA,
    REBUILD_SCHEMA,
    Checksum,
    ReadModelStore,
)
from reporting.adapters.tables import SCHEMA
from reporting.bootstrap import Reporting, bootstrap
from reporting.config import ReportingSettings
from reporting.messaging.replay import Replay, ReplayBatch
from reporting.messaging.subscribers import consumer_name
from reporting.service_layer.handlers import count_batch
from reporting.service_layer.unit_of_work import ReportingUnitOfWork

Progress = Callable[[int, int], None]


@dataclass
class RebuildReport:
    records: int = 0
    rejected: int = 0
    replay_seconds: float = 0.0
    live: dict[str, Checksum] = field(default_factory=dict)
    rebuilt: dict[str, Checksum] = field(default_factory=dict)
    swapped: bool = False

    @property
    def equal(self) -> bool:
        return self.live == self.rebuilt

    @property
    def events_per_second(self) -> float:
        return self.records / self.replay_seconds if self.replay_seconds else 0.0


def progress_bar(done: int, total: int) -> None:
    """`[#####.....]  50%  500/1000 records` on one line of stderr."""
    width = 40
    share = done / total if total else 1.0
    filled = min(width, int(share * width))
    sys.stderr.write(
        f"\r[{'#' * filled}{'.' * (width - filled)}] {share:4.0%} {done}/{total} records"
    )
    sys.stderr.flush()


async def rebuild(
    app: Reporting, *, swap: bool = True, progress: Progress | None = None
) -> RebuildReport:
    """Replay into `reporting_rebuild`, check it against the live schema, swap it in when
    equal (and `swap`); the report says what was compared."""
    store = ReadModelStore(app.engine)
    await store.prepare(REBUILD_SCHEMA)
    sessions = store.sessions_for(REBUILD_SCHEMA)
    replay = Replay(
        kafka_connection(app.settings),
        batch_size=app.settings.rebuild_batch_size,
        topic_prefix=app.settings.topic_prefix,
    )
    report = RebuildReport()
    total = await replay.start()

    async def apply(ends: dict[TopicPartition, int]) -> None:
        # Decoding the next batch overlaps the database writing the current one: a queue of
        # two batches between the reader and the writer (None: the end; or the reader's error).
        batches: asyncio.Queue[ReplayBatch | Exception | None] = asyncio.Queue(maxsize=2)

        async def read() -> None:
            try:
                async for batch in replay.until(ends):
                    await batches.put(batch)
            except Exception as error:
                await batches.put(error)
                return
            await batches.put(None)

        reader = asyncio.create_task(read())
        try:
            while (item := await batches.get()) is not None:
                if isinstance(item, Exception):
                    raise item
                await write(item)
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)

    async def write(batch: ReplayBatch) -> None:
        # One transaction per fetch, whatever sources it spans.
        await count_batch(
            uow=ReportingUnitOfWork(sessions, live=False),
            by_consumer={
                consumer_name(app.settings.consumer_group_prefix, source): events
                for source, events in batch.by_source.items()
            },
        )
        report.records += batch.records
        report.rejected += batch.rejected
        if progress:
            progress(report.records, max(total, report.records))

    try:
        started = time.perf_counter()
        await store.drop_indexes(REBUILD_SCHEMA)
        await apply(await replay.end_offsets())
        await store.create_indexes(REBUILD_SCHEMA)
        report.replay_seconds = time.perf_counter() - started
        async with store.frozen_live() as connection:
            # Nothing commits on the live schema now: what it counted is all in the topics
            # up to their current end, so the rebuilt schema catches up to exactly that.
            await apply(await replay.end_offsets())
            report.live = await store.checksums(connection, SCHEMA)
            report.rebuilt = await store.checksums(connection, REBUILD_SCHEMA)
            if swap and report.equal:
                await store.swap(connection, REBUILD_SCHEMA)
                report.swapped = True
    finally:
        await replay.stop()
    await store.drop(PREVIOUS_SCHEMA if report.swapped else REBUILD_SCHEMA)
    return report


def describe(report: RebuildReport) -> str:
    lines = [
        f"replayed {report.records} records ({report.rejected} rejected) in "
        f"{report.replay_seconds:.1f} s: {report.events_per_second:.0f} records/s"
    ]
    for name, live in report.live.items():
        rebuilt = report.rebuilt.get(name)
        mark = "=" if rebuilt == live else "DIFFERENT"
        lines.append(
            f"  {name:14} live {live.rows:>9} rows {live.md5}  rebuilt "
            f"{rebuilt.rows if rebuilt else '-':>9} rows {rebuilt.md5 if rebuilt else '-'}  {mark}"
        )
    if report.swapped:
        lines.append("rebuilt read models equal the live ones: swapped in")
    elif report.equal:
        lines.append("rebuilt read models equal the live ones (check only, not swapped)")
    else:
        lines.append("rebuilt read models DIFFER from the live ones: not swapped")
    return "\n".join(lines)


async def run(*, swap: bool) -> RebuildReport:
    app = bootstrap(ReportingSettings())
    try:
        report = await rebuild(app, swap=swap, progress=progress_bar)
    finally:
        await app.dispose()
    sys.stderr.write("\n")
    print(describe(report))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check-only", action="store_true", help="compare, do not swap")
    arguments = parser.parse_args()
    configure_logging("reporting-rebuild", ReportingSettings().log_level)
    report = asyncio.run(run(swap=not arguments.check_only))
    sys.exit(0 if report.equal else 1)


if __name__ == "__main__":
    main()
