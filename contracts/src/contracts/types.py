"""Field types shared by every contract: money as decimal strings, aware UTC times."""

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"


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
    return value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_aware_utc)]

CurrencyCode = Annotated[
    str,
    AfterValidator(lambda value: value.upper()),
    WithJsonSchema({"type": "string", "pattern": "^[A-Za-z]{3}$"}),
]
