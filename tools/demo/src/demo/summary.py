"""A human-readable summary of generated demo data (what the dry run prints)."""

from collections import Counter
from decimal import Decimal

from demo.generator import (
    CHINA_TZ,
    DEFAULT_THRESHOLDS,
    DemoData,
    Thresholds,
    frequency_class,
    value_class,
)

CLASSES = ("high", "medium", "low")


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _share(part: int, whole: int) -> str:
    return f"{part} ({100 * part / whole:.1f}%)" if whole else str(part)


def summarize(data: DemoData, thresholds: Thresholds = DEFAULT_THRESHOLDS) -> str:
    """Counts, revenue spread, class distributions and seasonality, one fact per line."""
    expected = data.expected_trailing()
    n = len(data.customers)
    orders = data.orders
    lines = [
        f"Demo data: seed {data.seed}, as of {data.as_of.isoformat()}, {n} customers",
        f"Events: {n} customers, {len(orders)} orders placed, {len(data.cancellations)} cancelled,"
        f" {len(data.returns)} partly returned = {len(data.events())} events",
    ]
    if n == 0:
        return "\n".join(lines)

    revenues = sorted((t.net_revenue for t in expected.values()), reverse=True)
    total = sum(revenues, Decimal(0))
    top = sum(revenues[: max(1, n // 5)], Decimal(0))
    without_orders = sum(1 for t in expected.values() if t.order_count == 0)
    lines += [
        f"Trailing 12 months net revenue (CNY): total {_money(total)}; per customer max"
        f" {_money(revenues[0])}, p90 {_money(revenues[n // 10])},"
        f" median {_money(revenues[n // 2])}",
        f"Pareto: the top 20% of customers make {100 * top / total:.1f}% of revenue"
        if total
        else "Pareto: no revenue",
        f"Customers without orders in the window: {without_orders}",
    ]

    values = Counter(value_class(t.net_revenue, thresholds) for t in expected.values())
    frequencies = Counter(frequency_class(t.order_count, thresholds) for t in expected.values())
    lines += [
        f"Value class (high >= {thresholds.high_revenue:,}, medium >= "
        f"{thresholds.medium_revenue:,}): "
        + ", ".join(f"{c} {_share(values[c], n)}" for c in CLASSES),
        f"Frequency class (high >= {thresholds.high_orders} orders, medium >= "
        f"{thresholds.medium_orders}): "
        + ", ".join(f"{c} {_share(frequencies[c], n)}" for c in CLASSES),
    ]

    regions = Counter(c.region for c in data.customers)
    segments = Counter(c.segment for c in data.customers)
    lines += [
        "Regions: " + ", ".join(f"{r} {k}" for r, k in regions.most_common()),
        "Segments: " + ", ".join(f"{s} {k}" for s, k in segments.most_common()),
    ]

    # Seasonality at a glance: orders per (China local) month.
    months = Counter(o.placed_at.astimezone(CHINA_TZ).strftime("%Y-%m") for o in orders)
    if months:
        lines.append("Orders per month:")
        peak = max(months.values())
        for month in sorted(months):
            bar = "#" * round(40 * months[month] / peak)
            lines.append(f"  {month} {months[month]:5d} {bar}")
    return "\n".join(lines)
