"""Every way a Kafka record can be unusable gets a precise dead-letter reason."""

import json
import random
from typing import Any

from aiokafka import ConsumerRecord

from chassis.kafka import EventTypes, ReceivedEvent, Rejected, _decode_stepwise, decode_record
from chassis.testing.event_fuzz import erp_event, mutate
from contracts import erp_v1
from contracts.envelope import NUL_FREE, nul_free

ACCEPTS = EventTypes(erp_v1.EVENTS)

ORDER = {
    "specversion": "1.0",
    "id": "7f9c2d1e-0b6a-4c1e-9a51-3f0c9d2b8e11",
    "source": "erp",
    "type": "erp.order.placed.v1",
    "subject": "C-1001",
    "time": "2026-11-20T09:30:00Z",
    "datacontenttype": "application/json",
    "data": {
        "order_id": "SO-10001",
        "customer_id": "C-1001",
        "placed_at": "2026-11-20T09:30:00Z",
        "currency": "CNY",
        "total": "1250.00",
        "lines": [{"sku": "SKU-1", "category": "skincare", "quantity": 100, "unit_price": "12.50"}],
    },
}


def record(value: bytes) -> ConsumerRecord[Any, Any]:
    return ConsumerRecord(
        topic="erp.orders.v1",
        partition=0,
        offset=7,
        timestamp=0,
        timestamp_type=0,
        key=b"C-1001",
        value=value,
        checksum=None,
        serialized_key_size=6,
        serialized_value_size=len(value),
        headers=(),
    )


def decode(value: dict[str, Any] | bytes) -> ReceivedEvent | Rejected:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return decode_record(record(raw), ACCEPTS)


def test_the_architecture_example_is_accepted() -> None:
    decoded = decode(ORDER)
    assert isinstance(decoded, ReceivedEvent)
    assert isinstance(decoded.data, erp_v1.OrderPlaced)
    assert str(decoded.data.total) == "1250.00"


def test_malformed_json() -> None:
    decoded = decode(b'{"specversion": "1.0",')
    assert isinstance(decoded, Rejected)
    assert decoded.reason == "malformed-json"


def test_json_that_is_not_a_cloudevent() -> None:
    decoded = decode({"order_id": "SO-1", "total": "10.00"})
    assert isinstance(decoded, Rejected)
    assert decoded.reason == "not-a-cloudevent"
    assert "specversion" in decoded.detail


def test_schema_invalid_order() -> None:
    broken = {**ORDER, "data": {**ORDER["data"], "total": 1250.5, "placed_at": "yesterday"}}
    decoded = decode(broken)
    assert isinstance(decoded, Rejected)
    assert decoded.reason == "schema-invalid"
    assert "total" in decoded.detail and "placed_at" in decoded.detail


def test_naive_timestamps_are_rejected() -> None:
    naive = {**ORDER, "data": {**ORDER["data"], "placed_at": "2026-11-20T09:30:00"}}
    decoded = decode(naive)
    assert isinstance(decoded, Rejected)
    assert "time zone" in decoded.detail


def test_unknown_event_type() -> None:
    decoded = decode({**ORDER, "type": "erp.order.teleported.v1"})
    assert isinstance(decoded, Rejected)
    assert decoded.reason == "unknown-event-type"


def test_subject_must_be_the_customer() -> None:
    decoded = decode({**ORDER, "subject": "C-9999"})
    assert isinstance(decoded, Rejected)
    assert "subject" in decoded.detail


def test_business_check_rejects_with_its_reason() -> None:
    decoded = decode_record(
        record(json.dumps(ORDER).encode()), ACCEPTS, lambda data: "currency not supported"
    )
    assert isinstance(decoded, Rejected)
    assert (decoded.reason, decoded.detail) == ("unprocessable", "currency not supported")


def test_a_nul_anywhere_is_refused_with_where_it_is() -> None:
    line = {**ORDER["data"]["lines"][0], "sku": "SKU\x001"}
    in_a_line = decode({**ORDER, "data": {**ORDER["data"], "lines": [line]}})
    assert isinstance(in_a_line, Rejected)
    assert in_a_line.reason == "schema-invalid"
    assert in_a_line.detail.startswith("data.lines.0: ") and "sku" in in_a_line.detail
    in_the_subject = decode({**ORDER, "subject": "C-1001\x00"})
    assert isinstance(in_the_subject, Rejected)
    assert in_the_subject.reason == "not-a-cloudevent"


def test_the_text_of_a_nul_escape_is_not_a_nul() -> None:
    """A backslash followed by `u0000` (the JSON text holds `\\\\u0000`) is six ordinary
    characters: the quick look for NUL escapes sees it, and the full check accepts it."""
    data = {**ORDER["data"], "order_id": "SO-\\u0000"}
    decoded = decode({**ORDER, "data": data})
    assert isinstance(decoded, ReceivedEvent)
    assert decoded.data.order_id == "SO-\\u0000"


def test_the_one_pass_accepts_only_what_the_step_by_step_decoding_accepts() -> None:
    """`EventTypes.whole` is a shortcut: on thousands of broken events (and their good
    originals) it never accepts a record the envelope-then-data path refuses, nor reads one
    differently."""
    rng = random.Random(4)
    agreed = 0
    for _ in range(3000):
        event = erp_event(rng)
        for raw in (json.dumps(event).encode(), mutate(event, rng)[0]):
            context = NUL_FREE if nul_free(raw) else None
            whole = ACCEPTS.whole(raw, context)
            if whole is None:
                continue
            stepwise = _decode_stepwise(record(raw), ACCEPTS, context)
            assert not isinstance(stepwise, Rejected), raw[:300]
            envelope, data = stepwise
            assert whole.data == data
            assert whole.model_dump(exclude={"data"}) == envelope.model_dump(exclude={"data"})
            agreed += 1
    assert agreed > 3000
