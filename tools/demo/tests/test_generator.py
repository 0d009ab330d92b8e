"""The demo generator: deterministic, consistent with the ERP contract, and calibrated."""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from contracts.envelope import CloudEvent
from contracts.erp_v1 import (
    CustomerUpserted,
    OrderCancelled,
    OrderLine,
    OrderPlaced,
    OrderReturned,
)
from demo.generator import (
    SEGMENT_NAMES,
    WINDOW,
    DemoData,
    event_time,
    frequency_class,
    generate,
    value_class,
)
from demo.summary import summarize

AS_OF = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SEED = 7


@pytest.fixture(scope="module")
def data() -> DemoData:
    return generate(300, AS_OF, SEED)


def _top_fifth_share(data: DemoData) -> Decimal:
    revenues = sorted((t.net_revenue for t in data.expected_trailing().values()), reverse=True)
    return sum(revenues[: len(revenues) // 5], Decimal(0)) / sum(revenues, Decimal(0))


def test_same_seed_gives_same_events_and_ids(data: DemoData) -> None:
    again = generate(300, AS_OF, SEED)
    assert again.events() == data.events()
    assert [again.event_id(e) for e in again.events()] == [data.event_id(e) for e in data.events()]


def test_other_seed_or_as_of_gives_other_data(data: DemoData) -> None:
    other_seed = generate(300, AS_OF, SEED + 1)
    assert other_seed.events() != data.events()
    later = generate(300, AS_OF + timedelta(hours=1), SEED)
    first = data.customers[0]
    assert data.event_id(first) != later.event_id(later.customers[0])


def test_smaller_run_is_a_prefix_of_a_larger_one(data: DemoData) -> None:
    small = generate(20, AS_OF, SEED)
    assert small.customers == data.customers[:20]
    ids = {c.customer_id for c in small.customers}
    assert small.order_events == [e for e in data.order_events if e.customer_id in ids]
    assert [small.event_id(e) for e in small.events()] == [
        data.event_id(e) for e in data.events() if e.customer_id in ids
    ]


def test_event_ids_are_unique_uuid5(data: DemoData) -> None:
    ids = [data.event_id(e) for e in data.events()]
    assert len(set(ids)) == len(ids)
    envelopes = [
        CloudEvent.model_validate_json(data.cloud_event(e).to_json_bytes()) for e in data.events()
    ]
    assert [e.id for e in envelopes] == ids


def test_order_total_is_sum_of_lines(data: DemoData) -> None:
    assert data.orders
    for order in data.orders:
        assert 1 <= len(order.lines) <= 6
        assert order.total == sum((li.quantity * li.unit_price for li in order.lines), Decimal(0))
        assert order.total.as_tuple().exponent == -2
        assert order.currency == "CNY"
        for line in order.lines:
            assert line.unit_price.as_tuple().exponent == -2
            assert line.unit_price > 0
            assert line.quantity > 0


def test_times_are_aware_utc_and_not_after_as_of(data: DemoData) -> None:
    for event in data.events():
        moment = event_time(event)
        assert moment.utcoffset() == timedelta(0)
        assert moment <= AS_OF
    for order in data.orders:
        assert order.placed_at > AS_OF - WINDOW


def test_publication_order(data: DemoData) -> None:
    events = data.events()
    assert all(isinstance(e, CustomerUpserted) for e in events[: len(data.customers)])
    times = [event_time(e) for e in data.order_events]
    assert times == sorted(times)
    placed_index = {
        e.order_id: i for i, e in enumerate(data.order_events) if isinstance(e, OrderPlaced)
    }
    for i, event in enumerate(data.order_events):
        if not isinstance(event, OrderPlaced):
            assert placed_index[event.order_id] < i


def test_every_event_round_trips_through_the_contract(data: DemoData) -> None:
    for event in data.events():
        assert type(event).model_validate(event.model_dump(mode="json")) == event
        envelope = CloudEvent.model_validate_json(data.cloud_event(event).to_json_bytes())
        assert envelope.type == event.event_type
        assert envelope.subject == event.customer_id
        assert envelope.time == event_time(event)
        assert type(event).model_validate(envelope.data) == event


def test_cancellations_and_returns_refer_to_orders_of_the_same_customer(data: DemoData) -> None:
    orders = {o.order_id: o for o in data.orders}
    assert len(orders) == len(data.orders)
    follow_ups = Counter(e.order_id for e in [*data.cancellations, *data.returns])
    assert max(follow_ups.values()) == 1
    for cancelled in data.cancellations:
        order = orders[cancelled.order_id]
        assert cancelled.customer_id == order.customer_id
        assert timedelta(hours=1) < cancelled.cancelled_at - order.placed_at <= timedelta(days=3)
    for returned in data.returns:
        order = orders[returned.order_id]
        assert returned.customer_id == order.customer_id
        assert returned.returned_at - order.placed_at >= timedelta(days=3)
        assert Decimal(0) < returned.amount < order.total
        assert returned.currency == order.currency


def test_cancellation_and_return_rates_are_about_two_percent(data: DemoData) -> None:
    orders = len(data.orders)
    assert 0.01 <= len(data.cancellations) / orders <= 0.035
    assert 0.01 <= len(data.returns) / orders <= 0.035


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, SEED])
def test_pareto_top_fifth_of_customers_make_most_revenue(seed: int) -> None:
    assert _top_fifth_share(generate(300, AS_OF, seed)) >= Decimal("0.65")


def test_value_and_frequency_classes_match_the_handbook(data: DemoData) -> None:
    totals = data.expected_trailing().values()
    n = len(totals)
    values = Counter(value_class(t.net_revenue) for t in totals)
    assert 0.10 <= values["high"] / n <= 0.21
    assert 0.42 <= values["medium"] / n <= 0.58
    assert 0.28 <= values["low"] / n <= 0.42
    frequencies = Counter(frequency_class(t.order_count) for t in totals)
    for cls in ("high", "medium", "low"):
        assert frequencies[cls] / n >= 0.1, cls


def test_prospects_and_long_silent_customers_exist(data: DemoData) -> None:
    last_order: dict[str, datetime] = {}
    for order in data.orders:
        last_order[order.customer_id] = max(
            order.placed_at, last_order.get(order.customer_id, order.placed_at)
        )
    without_orders = [c for c in data.customers if c.customer_id not in last_order]
    assert 0.02 <= len(without_orders) / len(data.customers) <= 0.09
    silent = [cid for cid, last in last_order.items() if AS_OF - last > timedelta(days=274)]
    assert len(silent) >= 3


def test_customers_have_chinese_company_names_and_addresses(data: DemoData) -> None:
    """Written as the distributor's staff write them: 杭州华美连锁超市有限公司,
    浙江省杭州市西湖区文化路123号 邮编310012."""
    mainland = [c for c in data.customers if c.country == "CN"]
    endings = {ending for names in SEGMENT_NAMES.values() for ending in names}
    for customer in mainland:
        assert any(customer.name.endswith(ending) for ending in endings), customer.name
        assert re.fullmatch(
            r"\w+?(省|市|自治区)\w+区\w+(路|大道|街)\d+号 邮编\d{6}", customer.address
        )
        assert re.search(r"[A-Za-z]", customer.name + customer.address) is None
    offshore = [c for c in data.customers if c.country != "CN"]
    assert all(c.address.startswith(("香港", "澳门")) for c in offshore)


def test_customers_look_like_the_distributors_book(data: DemoData) -> None:
    assert [c.customer_id for c in data.customers] == [f"C-{1001 + i}" for i in range(300)]
    assert len({c.name for c in data.customers}) == 300
    assert {c.region for c in data.customers} == {
        "East", "North", "South", "Central", "Southwest", "Northeast",
    }  # fmt: skip
    countries = Counter(c.country for c in data.customers)
    assert countries["CN"] / 300 >= 0.9
    assert len({c.segment for c in data.customers}) == 7
    managers = Counter(c.account_manager for c in data.customers)
    assert 0 < managers[None] < 30
    assert {m for m in managers if m} <= {f"AM-{i:02d}" for i in range(1, 13)}


def test_orders_peak_before_spring_festival_and_dip_in_summer(data: DemoData) -> None:
    def per_day(first: datetime, last: datetime) -> float:
        count = sum(1 for o in data.orders if first <= o.placed_at < last)
        return count / (last - first).days

    # Spring Festival 2026 is 17 February; Double Eleven is 11 November.
    before_festival = per_day(datetime(2026, 1, 18, tzinfo=UTC), datetime(2026, 2, 16, tzinfo=UTC))
    double_eleven = per_day(datetime(2025, 10, 15, tzinfo=UTC), datetime(2025, 11, 11, tzinfo=UTC))
    summer = per_day(datetime(2025, 7, 1, tzinfo=UTC), datetime(2025, 9, 1, tzinfo=UTC))
    spring = per_day(datetime(2025, 4, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC))
    assert before_festival > 1.4 * spring
    assert double_eleven > 1.4 * spring
    assert summer < spring


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 2, day, hour, tzinfo=UTC)


def test_expected_trailing_counts_uncancelled_orders_net_of_returns() -> None:
    def order(order_id: str, placed_at: datetime, total: str) -> OrderPlaced:
        line = OrderLine(sku="SKN-101", category="skincare", quantity=1, unit_price=Decimal(total))
        return OrderPlaced(
            order_id=order_id,
            customer_id="C-1",
            placed_at=placed_at,
            currency="CNY",
            total=Decimal(total),
            lines=[line],
        )

    customers = [
        CustomerUpserted(
            customer_id=cid,
            name=cid,
            region="East",
            country="CN",
            segment="hotel",
            address="",
            updated_at=_at(1),
        )
        for cid in ("C-1", "C-2")
    ]
    events: list[OrderPlaced | OrderCancelled | OrderReturned] = [
        order("SO-OLD", AS_OF - WINDOW, "999.00"),  # on the open end of the window: not counted
        order("SO-1", _at(2), "100.00"),
        order("SO-2", _at(3), "200.00"),
        order("SO-3", _at(4), "300.00"),
        OrderCancelled(order_id="SO-2", customer_id="C-1", cancelled_at=_at(3, 12)),
        OrderReturned(
            order_id="SO-3",
            customer_id="C-1",
            returned_at=_at(10),
            amount=Decimal("30.50"),
            currency="CNY",
        ),
    ]
    data = DemoData(seed=0, as_of=AS_OF, customers=customers, order_events=events)
    expected = data.expected_trailing()
    assert expected["C-1"].order_count == 2
    assert expected["C-1"].net_revenue == Decimal("369.50")
    assert expected["C-2"].order_count == 0
    assert expected["C-2"].net_revenue == 0


def test_classes_use_the_default_thresholds() -> None:
    assert value_class(Decimal("500000")) == "high"
    assert value_class(Decimal("499999.99")) == "medium"
    assert value_class(Decimal("300000")) == "medium"
    assert value_class(Decimal("299999.99")) == "low"
    assert [frequency_class(n) for n in (0, 2, 3, 4, 5)] == [
        "low",
        "low",
        "medium",
        "medium",
        "high",
    ]


def test_validation_of_arguments() -> None:
    with pytest.raises(ValueError):
        generate(10, datetime(2026, 3, 1), SEED)
    with pytest.raises(ValueError):
        generate(-1, AS_OF, SEED)
    assert generate(0, AS_OF, SEED).events() == []


def test_summary_mentions_the_distributions(data: DemoData) -> None:
    text = summarize(data)
    assert "300 customers" in text
    assert "Value class" in text and "Frequency class" in text
    assert "Pareto" in text
