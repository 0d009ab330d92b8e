"""Field types shared by every contract: money as decimal strings, aware UTC times, text.

Every value a contract accepts is one the services' PostgreSQL columns can store: money fits
`Numeric(18, 2)`, times fit after conversion to UTC, text carries no NUL character.
"""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
# Numeric(18, 2) holds 16 digits before the point.
MONEY_LIMIT = Decimal(10) ** 16


def _decimal_from_string(value: Any) -> Decimal:
    # Money travels as a string so no consumer ever rounds it through a float.
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str):
        raise ValueError('must be a decimal string such as "1250.00"')
    try:
        parsed = Decimal(value)
    except InvalidOperation as exc:
        raise ValueError(f"{value!r} is not a decimal number") from exc
    if not parsed.is_finite():
        raise ValueError("must be a finite decimal")
    if abs(parsed) >= MONEY_LIMIT:
        raise ValueError("must be less than 1E+16 in magnitude (Numeric(18, 2))")
    return parsed


DecimalString = Annotated[
    Decimal,
    BeforeValidator(_decimal_from_string),
    PlainSerializer(lambda value: format(value, "f"), return_type=str),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN}),
]


def _non_negative(value: Decimal) -> Decimal:
    if value < 0:
        raise ValueError("must not be negative")
    return value


NonNegativeDecimalString = Annotated[DecimalString, AfterValidator(_non_negative)]


def _aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must carry a time zone (RFC 3339), e.g. 2026-11-20T09:30:00Z")
    try:
        return value.astimezone(UTC)
    except OverflowError as exc:
        # 0001-01-01T00:00:00+01:00 is a valid RFC 3339 time before year 1 in UTC.
        raise ValueError("is outside the years 1 to 9999 in UTC") from exc


UtcDateTime = Annotated[datetime, AfterValidator(_aware_utc)]

CurrencyCode = Annotated[
    str,
    StringConstraints(pattern="^[A-Za-z]{3}$"),
    AfterValidator(lambda value: value.upper()),
    WithJsonSchema({"type": "string", "pattern": "^[A-Za-z]{3}$"}),
]


def refuse_nul(value: Any) -> Any:
    """Refuse a NUL character in a string, or in any string inside lists and dicts: PostgreSQL
    text and jsonb cannot store it."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain a NUL character")
    elif isinstance(value, list | tuple):
        for item in value:
            refuse_nul(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_nul(key)
            refuse_nul(item)
    return value
