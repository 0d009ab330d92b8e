"""Read the source topics from offset 0 with a bare consumer (no group, nothing committed),
decoded as the live consumers decode them, for a rebuild."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from chassis.kafka import KafkaConnection, ReceivedEvent, Rejected, decode_record
from reporting.messaging.subscribers import SOURCES, Source, accepted, source_topics


@dataclass
class ReplayBatch:
    """The valid events of one fetch by source, and how many records it read in all."""

    by_source: dict[Source, list[ReceivedEvent]]
    records: int
    rejected: int


class Replay:
    def __init__(self, kafka: KafkaConnection, *, batch_size: int, topic_prefix: str) -> None:
        self._consumer = AIOKafkaConsumer(
            **kafka.client_kwargs(),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_partition_fetch_bytes=8 * 1024 * 1024,
            fetch_max_bytes=64 * 1024 * 1024,
        )
        self._kafka = kafka
        self._batch_size = batch_size
        self._prefix = topic_prefix
        self._accepts = accepted(SOURCES, topic_prefix)
        self._source_of = {
            topic: source for source in SOURCES for topic in source.topics_with(topic_prefix)
        }
        self.partitions: list[TopicPartition] = []

    async def start(self) -> int:
        """Assign every partition of the source topics at offset 0; returns how many records
        they hold now."""
        admin = AIOKafkaAdminClient(**self._kafka.client_kwargs())
        await admin.start()
        try:
            topics = source_topics(self._prefix)
            existing = set(await admin.list_topics())
            descriptions = await admin.describe_topics([t for t in topics if t in existing])
        finally:
            await admin.close()
        self.partitions = sorted(
            TopicPartition(description["topic"], partition["partition"])
            for description in descriptions
            for partition in description["partitions"]
        )
        await self._consumer.start()
        if not self.partitions:
            return 0
        self._consumer.assign(self.partitions)
        await self._consumer.seek_to_beginning(*self.partitions)
        beginnings = await self._consumer.beginning_offsets(self.partitions)
        ends = await self._consumer.end_offsets(self.partitions)
        return sum(ends[tp] - beginnings[tp] for tp in self.partitions)

    async def stop(self) -> None:
        await self._consumer.stop()

    async def end_offsets(self) -> dict[TopicPartition, int]:
        if not self.partitions:
            return {}
        return dict(await self._consumer.end_offsets(self.partitions))

    async def until(self, ends: dict[TopicPartition, int]) -> AsyncIterator[ReplayBatch]:
        """Batches up to (not including) `ends`, partition by partition in offset order."""
        while True:
            behind = [
                tp for tp in self.partitions if await self._consumer.position(tp) < ends.get(tp, 0)
            ]
            if not behind:
                return
            fetched = await self._consumer.getmany(
                *behind, timeout_ms=1000, max_records=self._batch_size
            )
            batch = ReplayBatch({}, 0, 0)
            for tp, records in fetched.items():
                for record in records:
                    if record.offset >= ends[tp]:
                        # Arrived after the end asked for: read it with the next `until`.
                        self._consumer.seek(tp, ends[tp])
                        break
                    batch.records += 1
                    decoded = decode_record(record, self._accepts[tp.topic])
                    if isinstance(decoded, Rejected):
                        batch.rejected += 1
                        continue
                    batch.by_source.setdefault(self._source_of[tp.topic], []).append(decoded)
            if batch.records:
                yield batch
