"""ERP events through the real Kafka broker into PostgreSQL, and tier events back out."""

import json
from typing import Any

import httpx
import pytest

from chassis.testing import Infrastructure, ServiceProcess, eventually, read_topic, unique
from contracts.accounts_v1 import ACCOUNTS_TOPIC
from contracts.registry import dead_letter_topic

pytestmark = pytest.mark.integration


async def account(client: httpx.AsyncClient, account_id: str) -> dict[str, Any] | None:
    response = await client.get(f"/api/v1/accounts/{account_id}")
    return response.json() if response.status_code == 200 else None


async def account_with(
    client: httpx.AsyncClient, account_id: str, **expected: object
) -> dict[str, Any]:
    """Wait until the account shows the expected fields (asked as its manager, AM-01)."""

    async def probe() -> dict[str, Any] | None:
        found = await account(client, account_id)
        if found and all(found[key] == value for key, value in expected.items()):
            return found
        return None

    return await eventually(probe, within=60)


VALUE_REASON = "500,000.00 CNY is >= 500,000 (high)"


async def test_customer_and_orders_give_figures_classes_and_a_tier_event(
    erp: Any,
    accounts_worker: ServiceProcess,
    accounts_client: httpx.AsyncClient,
    infrastructure: Infrastructure,
) -> None:
    customer = unique("C")
    await erp.publish(
        erp.customer(customer),
        *[erp.order(customer, f"{customer}-SO{i}", "100000.00", days_ago=30 * i) for i in range(5)],
        # Older than 12 months: must not count.
        erp.order(customer, f"{customer}-OLD", "900000.00", days_ago=370),
    )

    found = await account_with(accounts_client, customer, order_count_12m=5)
    assert found["net_revenue_12m"] == "500000.00"
    assert (found["value_class"], found["frequency_class"]) == ("high", "high")

    records = await read_topic(
        infrastructure.kafka,
        ACCOUNTS_TOPIC,
        keep=lambda record: (
            record.key == customer.encode()
            and json.loads(record.value)["type"] == "accounts.account.classified.v1"
            and json.loads(record.value)["data"]["value_class"] == "high"
        ),
        # The evaluation's event, not the ABC refresh's that may follow it with its own reason.
        until=lambda kept: any(VALUE_REASON in json.loads(r.value)["data"]["reason"] for r in kept),
    )
    record = next(r for r in records if VALUE_REASON in json.loads(r.value)["data"]["reason"])
    event = json.loads(record.value)
    assert event["subject"] == customer
    assert event["data"]["value_class"] == "high"
    assert event["data"]["inputs"]["order_count_12m"] == 5
    assert dict(record.headers)["content-type"] == b"application/cloudevents+json"


async def test_the_same_erp_event_twice_is_counted_once(
    erp: Any, accounts_worker: ServiceProcess, accounts_client: httpx.AsyncClient
) -> None:
    customer = unique("C")
    order = erp.envelope(erp.order(customer, f"{customer}-SO1", "1000.00"))
    await erp.publish(erp.customer(customer), order, order)
    # The same order re-sent by the ERP under a new event id is still one order.
    await erp.publish(erp.order(customer, f"{customer}-SO1", "1000.00"))
    marker = erp.order(customer, f"{customer}-SO2", "1.00")
    await erp.publish(marker)

    found = await account_with(accounts_client, customer, net_revenue_12m="1001.00")
    assert found["order_count_12m"] == 2


async def test_an_order_before_its_customer_is_kept_and_joined(
    erp: Any, accounts_worker: ServiceProcess, accounts_client: httpx.AsyncClient
) -> None:
    customer = unique("C")
    await erp.publish(erp.order(customer, f"{customer}-SO1", "320000.00"))
    await erp.publish(erp.customer(customer))

    found = await account_with(accounts_client, customer, order_count_12m=1)
    assert found["net_revenue_12m"] == "320000.00"
    assert found["value_class"] == "medium"


async def test_a_cancellation_before_its_order_and_returns(
    erp: Any, accounts_worker: ServiceProcess, accounts_client: httpx.AsyncClient
) -> None:
    customer = unique("C")
    await erp.publish(
        erp.customer(customer),
        erp.cancellation(customer, f"{customer}-SO1"),
        erp.order(customer, f"{customer}-SO1", "50000.00"),
        erp.order(customer, f"{customer}-SO2", "2000.00"),
        erp.return_of(customer, f"{customer}-SO2", "500.00"),
        erp.order(customer, f"{customer}-SO3", "700.00"),
        erp.return_of(customer, f"{customer}-SO3", "700.00"),
    )

    # SO1 cancelled; SO2 counts net of its return; SO3 returned in full is no order.
    found = await account_with(accounts_client, customer, net_revenue_12m="1500.00")
    assert found["order_count_12m"] == 1


async def test_poison_messages_go_to_the_dead_letter_topic_and_the_partition_moves_on(
    erp: Any,
    accounts_worker: ServiceProcess,
    accounts_client: httpx.AsyncClient,
    accounts_env: dict[str, str],
    infrastructure: Infrastructure,
) -> None:
    customer = unique("C")
    good = erp.envelope(erp.order(customer, f"{customer}-SO1", "10.00")).model_dump(mode="json")
    invalid = {**good, "id": unique("bad"), "data": {**good["data"], "total": "ten"}}
    await erp.publish(erp.customer(customer))
    await erp.publish_raw("erp.orders.v1", customer, b'{"specversion": "1.0", "id": ')
    await erp.publish_raw("erp.orders.v1", customer, json.dumps({"order": customer}).encode())
    await erp.publish_raw("erp.orders.v1", customer, json.dumps(invalid).encode())
    # The next good message on the same partition (same key) is still processed.
    await erp.publish_raw("erp.orders.v1", customer, json.dumps(good).encode())

    found = await account_with(accounts_client, customer, order_count_12m=1)
    assert found["net_revenue_12m"] == "10.00"

    consumer = f"{accounts_env['ACCOUNTS_CONSUMER_GROUP_PREFIX']}.erp"
    dead = await read_topic(
        infrastructure.kafka,
        dead_letter_topic(consumer),
        keep=lambda record: record.key == customer.encode(),
        until=lambda kept: len(kept) >= 3,
    )
    reasons = [dict(record.headers)["dlq-reason"].decode() for record in dead]
    assert reasons == ["malformed-json", "not-a-cloudevent", "schema-invalid"]
    detail = dict(dead[2].headers)["dlq-detail"].decode()
    assert "data.total" in detail
    assert {dict(r.headers)["dlq-original-topic"] for r in dead} == {b"erp.orders.v1"}


async def test_an_order_in_a_foreign_currency_is_dead_lettered(
    erp: Any,
    accounts_worker: ServiceProcess,
    accounts_client: httpx.AsyncClient,
    accounts_env: dict[str, str],
    infrastructure: Infrastructure,
) -> None:
    customer = unique("C")
    foreign = erp.order(customer, f"{customer}-SO1", "10.00").model_copy(update={"currency": "EUR"})
    await erp.publish(
        erp.customer(customer), foreign, erp.order(customer, f"{customer}-SO2", "7.00")
    )

    found = await account_with(accounts_client, customer, order_count_12m=1)
    assert found["net_revenue_12m"] == "7.00"
    consumer = f"{accounts_env['ACCOUNTS_CONSUMER_GROUP_PREFIX']}.erp"
    dead = await read_topic(
        infrastructure.kafka,
        dead_letter_topic(consumer),
        keep=lambda record: record.key == customer.encode(),
        until=lambda kept: len(kept) >= 1,
    )
    assert dict(dead[0].headers)["dlq-reason"] == b"unprocessable"
    assert b"EUR" in dict(dead[0].headers)["dlq-detail"]
