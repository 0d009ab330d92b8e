"""Hysteresis: an account near a class boundary keeps its class instead of flapping.

The rule (docs/decisions/0004-tier-hysteresis.md): a class is defined by a band [low, high) of
some measure (the scorecard score for grades, the revenue share ranked above the account for
ABC). An account keeps its current class while the measure stays inside the current band
widened by `margin` on both sides; once it leaves that widened band it takes the class the
measure gives. The first decision, and a move across more than the margin, are never held back.
"""

from collections.abc import Mapping
from decimal import Decimal

Band = tuple[Decimal | None, Decimal | None]


def in_band(measure: Decimal, band: Band, margin: Decimal = Decimal(0)) -> bool:
    low, high = band
    return (low is None or measure >= low - margin) and (high is None or measure < high + margin)


def class_of(measure: Decimal, bands: Mapping[str, Band]) -> str:
    """The class whose band holds the measure (bands are contiguous and cover every value)."""
    for name, band in bands.items():
        if in_band(measure, band):
            return name
    raise ValueError(f"no band holds {measure}")


def held_class(
    current: str | None, measure: Decimal, bands: Mapping[str, Band], margin: Decimal
) -> str:
    """The class to record: the current one while within its widened band, else the measure's."""
    if current is not None and current in bands and in_band(measure, bands[current], margin):
        return current
    return class_of(measure, bands)
