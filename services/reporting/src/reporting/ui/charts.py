"""Charts drawn on the server as inline SVG: nothing fetched, nothing run in the browser. Titles
come translated; values are shown in the reader's locale (the sales in yuan)."""

from collections.abc import Sequence
from decimal import Decimal

from markupsafe import Markup, escape

from chassis.i18n import _, money, number

INK = "#1f2933"
BRAND = "#1d4f91"
MUTED = "#7b8794"
BAD = "#c0392b"


def _number(value: Decimal | float) -> str:
    """A coordinate."""
    return f"{float(value):.1f}"


def _shown(value: Decimal) -> str:
    return number(value, "#,##0.##")


def column_chart(
    title: str, points: Sequence[tuple[str, Decimal]], *, width: int = 640, height: int = 200
) -> Markup:
    """One column per point (a day's sales, say), labelled every few columns."""
    top = max((value for _, value in points), default=Decimal(0)) or Decimal(1)
    left, bottom = 48, 24
    plot_w, plot_h = width - left - 8, height - bottom - 20
    step = plot_w / max(len(points), 1)
    every = max(1, len(points) // 10)
    highest = _("max %(value)s") % {"value": money(top)}
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<text x="{left}" y="12" font-size="11" fill="{MUTED}">{escape(highest)}</text>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 8}" y2="{height - bottom}" stroke="{MUTED}"/>',
    ]
    for index, (label, value) in enumerate(points):
        bar_h = float(value) / float(top) * plot_h
        x = left + index * step
        parts.append(
            f'<rect class="bar" x="{_number(x + 1)}" y="{_number(height - bottom - bar_h)}" '
            f'width="{_number(max(step - 2, 1))}" height="{_number(bar_h)}" fill="{BRAND}">'
            f"<title>{escape(label)}: {escape(money(value))}</title></rect>"
        )
        if index % every == 0:
            parts.append(
                f'<text x="{_number(x)}" y="{height - 8}" font-size="10" fill="{INK}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, Decimal]],
    *,
    norm: Decimal | None = None,
    unit: str = "",
    width: int = 640,
) -> Markup:
    """One horizontal bar per row (a manager's visits a month, a class's revenue share), with
    an optional norm line."""
    row_h, label_w = 22, 140
    height = max(len(rows), 1) * row_h + 24
    top = max(
        [value for _, value in rows] + ([norm] if norm is not None else []), default=Decimal(0)
    )
    top = top or Decimal(1)
    plot_w = width - label_w - 60
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(rows):
        y = 8 + index * row_h
        bar_w = float(value) / float(top) * plot_w
        parts.append(
            f'<text x="0" y="{y + 14}" font-size="11" fill="{INK}">{escape(label[:22])}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{_number(bar_w)}" height="{row_h - 6}" '
            f'fill="{BRAND}"><title>{escape(label)}: {escape(_shown(value))}{escape(unit)}</title></rect>'
            f'<text x="{_number(label_w + bar_w + 4)}" y="{y + 14}" font-size="11" fill="{INK}">'
            f"{escape(_shown(value))}{escape(unit)}</text>"
        )
    if norm is not None:
        norm_text = _("norm %(value)s") % {"value": _shown(norm)}
        x = label_w + float(norm) / float(top) * plot_w
        parts.append(
            f'<line class="norm" x1="{_number(x)}" y1="0" x2="{_number(x)}" y2="{height - 14}" '
            f'stroke="{BAD}" stroke-dasharray="4 3"/>'
            f'<text x="{_number(x + 3)}" y="{height - 2}" font-size="10" fill="{BAD}">'
            f"{escape(norm_text)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
