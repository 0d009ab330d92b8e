"""The real accounts worker, made to die by SIGKILL at one chosen point (fault tests only).

`python tests/fault/crashing_worker.py after-db-commit ACCOUNT`: dies after the database commit
of a batch with a record of ACCOUNT, before its Kafka offsets are committed.
`python tests/fault/crashing_worker.py after-publish ACCOUNT`: the outbox relay dies after Kafka
acknowledged a batch with an event of ACCOUNT, before the rows are marked sent.
Only ACCOUNT's batches: the broker is shared, and another test's records may come first.
"""

import os
import signal
import sys
from collections.abc import Sequence
from typing import Any

from faststream.kafka.message import KafkaMessage

from accounts.entrypoints.worker import main
from chassis.kafka import BatchConsumer
from chassis.outbox import OutboxRelay


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def crash_after_db_commit(account: str) -> None:
    commit_offsets = BatchConsumer._commit_offsets

    async def commit_or_die(self: BatchConsumer, message: KafkaMessage) -> None:
        if any(record.key == account.encode() for record in message.raw_message):
            die()
        await commit_offsets(self, message)

    BatchConsumer._commit_offsets = commit_or_die  # type: ignore[method-assign]


def crash_after_publish(account: str) -> None:
    publish = OutboxRelay._publish

    async def publish_then_die(self: OutboxRelay, rows: Sequence[Any]) -> None:
        await publish(self, rows)
        if any(row.key == account for row in rows):
            die()

    OutboxRelay._publish = publish_then_die  # type: ignore[method-assign]


if __name__ == "__main__":
    crash_point, account = sys.argv[1:3]
    if crash_point == "after-db-commit":
        crash_after_db_commit(account)
    elif crash_point == "after-publish":
        crash_after_publish(account)
    else:
        raise SystemExit(f"unknown crash point {crash_point!r}")
    main()
