"""The ERP contract, version 1 (fixed: integrators build against it; see ARCHITECTURE.md)."""

from typing import ClassVar

from pydantic import Field

from contracts.envelope import ContractModel, EventData
from contracts.types import CurrencyCode, DecimalString, NonNegativeDecimalString, UtcDateTime

CUSTOMERS_TOPIC = "erp.customers.v1"
ORDERS_TOPIC = "erp.orders.v1"
SOURCE = "erp"

Identifier = str


class CustomerUpserted(EventData):
    """Customer master data was created or changed in the ERP."""

    event_type: ClassVar[str] = "erp.customer.upserted.v1"
    topic: ClassVar[str] = CUSTOMERS_TOPIC

    customer_id: Identifier = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=300)
    region: str = Field(max_length=100)
    country: str = Field(max_length=100)
    segment: str = Field(max_length=100)
    address: str = Field(max_length=500)
    account_manager: str | None = Field(default=None, max_length=64)
    updated_at: UtcDateTime


class OrderLine(ContractModel):
    """One line of an order."""

    sku: str = Field(min_length=1, max_length=64)
    category: str = Field(max_length=100)
    quantity: int = Field(gt=0, le=1_000_000_000)
    unit_price: NonNegativeDecimalString


class OrderPlaced(EventData):
    """A customer placed an order."""

    event_type: ClassVar[str] = "erp.order.placed.v1"
    topic: ClassVar[str] = ORDERS_TOPIC

    order_id: Identifier = Field(min_length=1, max_length=64)
    customer_id: Identifier = Field(min_length=1, max_length=64)
    placed_at: UtcDateTime
    currency: CurrencyCode
    total: NonNegativeDecimalString
    lines: list[OrderLine] = Field(default_factory=list, max_length=10_000)


class OrderCancelled(EventData):
    """An order was cancelled before delivery: it no longer counts at all."""

    event_type: ClassVar[str] = "erp.order.cancelled.v1"
    topic: ClassVar[str] = ORDERS_TOPIC

    order_id: Identifier = Field(min_length=1, max_length=64)
    customer_id: Identifier = Field(min_length=1, max_length=64)
    cancelled_at: UtcDateTime
    reason: str = Field(default="", max_length=500)


class OrderReturned(EventData):
    """Goods of an order came back: the amount is taken off the order's revenue."""

    event_type: ClassVar[str] = "erp.order.returned.v1"
    topic: ClassVar[str] = ORDERS_TOPIC

    order_id: Identifier = Field(min_length=1, max_length=64)
    customer_id: Identifier = Field(min_length=1, max_length=64)
    returned_at: UtcDateTime
    amount: NonNegativeDecimalString
    currency: CurrencyCode
    reason: str = Field(default="", max_length=500)


EVENTS: tuple[type[EventData], ...] = (CustomerUpserted, OrderPlaced, OrderCancelled, OrderReturned)

__all__ = [
    "CUSTOMERS_TOPIC",
    "EVENTS",
    "ORDERS_TOPIC",
    "CustomerUpserted",
    "DecimalString",
    "OrderCancelled",
    "OrderLine",
    "OrderPlaced",
    "OrderReturned",
]
