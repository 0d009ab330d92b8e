"""Every failure of a record ends once: processed, dead-lettered once, or retried (transient).

Each test publishes a bad record and then a good one on the same partition of a real topic, and
shows the good one processed and exactly one dead letter for the bad one (decision 0008).
"""

import json
import random
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from chassis.kafka import ReceivedEvent
from chassis.testing import Infrastructure, eventually, free_port
from chassis.testing.event_fuzz import ErpSink, Headers, dead_letter_offsets, erp_event

pytestmark = pytest.mark.integration

RNG = random.Random(8)


def good() -> dict[str, Any]:
    return erp_event(RNG)


def encoded(event: dict[str, Any]) -> bytes:
    return json.dumps(event).encode()


def with_data(**fields: Any) -> dict[str, Any]:
    event = good()
    return {**event, "data": {**event["data"], **fields}}


def customer_named(name: str) -> dict[str, Any]:
    event = good()
    while event["type"] != "erp.customer.upserted.v1":
        event = good()
    return {**event, "data": {**event["data"], "name": name}}


DEEP = 100_000

BAD_RECORDS: dict[str, tuple[bytes, Headers, str]] = {
    "time before year 1 in UTC": (
        encoded({**good(), "time": "0001-01-01T00:00:00+01:00"}),
        [],
        "not-a-cloudevent",
    ),
    "JSON nested 100,000 levels": (
        encoded({**good(), "extension": "@@"}).replace(b'"@@"', b"[" * DEEP + b"]" * DEEP),
        [],
        "undecodable",
    ),
    "application/json on a body that is not JSON": (
        b"this is not json",
        [("content-type", b"application/json")],
        "malformed-json",
    ),
    "an id longer than the inbox column": (
        encoded({**good(), "id": "x" * 201}),
        [],
        "not-a-cloudevent",
    ),
    "a total Numeric(18, 2) cannot hold": (encoded(with_data(total="1E+16")), [], "schema-invalid"),
    "a NUL in a name": (encoded(customer_named("Lanting\x00Pharmacy")), [], "schema-invalid"),
}


async def until_processed(sink: ErpSink, event_id: str) -> None:
    async def done() -> bool:
        return event_id in await sink.processed()

    await eventually(done)


@pytest.mark.parametrize("case", list(BAD_RECORDS))
async def test_a_bad_record_is_dead_lettered_once_and_the_next_one_processed(
    infrastructure: Infrastructure, case: str
) -> None:
    value, headers, reason = BAD_RECORDS[case]
    async with ErpSink(infrastructure) as sink:
        bad_offset = await sink.publish(value, headers=headers)
        after = good()
        await sink.publish(encoded(after))
        await until_processed(sink, after["id"])

        letters = await sink.dead_letters()
        assert dead_letter_offsets(letters) == [bad_offset]
        (letter,) = letters
        assert dict(letter.headers)["dlq-reason"] == reason.encode()
        assert letter.value == value
        assert sink.counted(reason) == 1
        assert await sink.processed() == {after["id"]}


async def test_a_header_with_a_bad_byte_does_not_stop_the_record(
    infrastructure: Infrastructure,
) -> None:
    """Events travel in structured mode: headers carry nothing of the contract, so a header
    that is not UTF-8 (faststream's parser used to fail the whole batch on it) changes nothing."""
    async with ErpSink(infrastructure) as sink:
        odd, after = good(), good()
        await sink.publish(encoded(odd), headers=[("trace", b"\xff\xfe")])
        await sink.publish(encoded(after))
        await until_processed(sink, after["id"])

        assert await sink.processed() == {odd["id"], after["id"]}
        assert await sink.dead_letters() == []


async def test_a_record_the_handler_always_fails_on_is_set_aside_alone(
    infrastructure: Infrastructure,
) -> None:
    poison = good()

    async def fail_on_poison(events: list[ReceivedEvent]) -> None:
        if any(event.id == poison["id"] for event in events):
            raise ValueError("this order breaks an invariant of the handler")

    async with ErpSink(infrastructure, fault=fail_on_poison) as sink:
        before = [good() for _ in range(20)]
        after = [good() for _ in range(20)]
        offsets = await sink.publish_all(
            [(encoded(event), []) for event in [*before, poison, *after]]
        )
        await until_processed(sink, after[-1]["id"])

        letters = await sink.dead_letters()
        assert dead_letter_offsets(letters) == [offsets[len(before)]]
        headers = dict(letters[0].headers)
        assert headers["dlq-reason"] == b"handler-failed"
        assert b"ValueError: this order breaks an invariant" in headers["dlq-detail"]
        assert sink.counted("handler-failed") == 1
        assert await sink.processed() == {event["id"] for event in [*before, *after]}


async def test_a_database_down_sets_nothing_aside_and_dead_letters_once(
    infrastructure: Infrastructure,
) -> None:
    """While the database is unreachable (a real refused connection) the batch is retried and
    rewound; nothing is set aside, and the bad record in it is dead-lettered once, afterwards."""
    calls: list[int] = []
    nowhere = create_async_engine(f"postgresql+asyncpg://nobody:x@127.0.0.1:{free_port()}/none")

    async def database_down_for_a_while(events: list[ReceivedEvent]) -> None:
        calls.append(len(events))
        # More failures than the retries of one delivery: the batch is rewound and read again.
        if len(calls) <= 5:
            async with nowhere.connect():
                pass

    async with ErpSink(infrastructure, fault=database_down_for_a_while) as sink:
        events = [good() for _ in range(10)]
        bad = b'{"specversion": "1.0", "id": '
        offsets = await sink.publish_all(
            [(encoded(event), []) for event in events[:5]]
            + [(bad, [])]
            + [(encoded(event), []) for event in events[5:]]
        )
        await until_processed(sink, events[-1]["id"])

        assert len(calls) > 5
        assert await sink.processed() == {event["id"] for event in events}
        assert dead_letter_offsets(await sink.dead_letters()) == [offsets[5]]
        assert sink.counted("malformed-json") == 1
        assert sink.counted("handler-failed") == 0
        assert any("rewinding" in message for message in sink.failures.messages)
    await nowhere.dispose()
