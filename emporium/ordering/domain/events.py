"""Events of the ordering context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from emporium.ordering.domain.address import ShippingAddress
from emporium.shared_kernel.events import DomainEvent
from emporium.shared_kernel.money import Money


@dataclass(frozen=True)
class LineSnapshot:
    """An order line as events carry it: enough for a consumer that never reads the order."""

    product_id: str
    name: str
    quantity: int
    unit_price: Money
    line_total: Money

    def to_dict(self) -> dict[str, Any]:
        """Return the line with its amounts as Money dicts."""
        return {
            "product_id": self.product_id,
            "name": self.name,
            "quantity": self.quantity,
            "unit_price": self.unit_price.to_dict(),
            "line_total": self.line_total.to_dict(),
        }


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(DomainEvent):
    """The order is confirmed and its stock reserved until ``reserved_until``.

    Schema v2 added ``currency`` (v1 events are upcast from their total's currency); v3 added
    ``shipping_address`` (None for an order with nothing to ship, and for every older event).
    """

    context = "ordering"
    schema_version = 3

    customer_id: str
    currency: str
    lines: tuple[LineSnapshot, ...]
    tax_rate: Decimal  # percent, e.g. 8.00
    subtotal: Money
    tax: Money
    total: Money
    reserved_until: datetime
    shipping_address: ShippingAddress | None = None


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(DomainEvent):
    """A confirmed order is cancelled; its reserved stock is to be returned."""

    context = "ordering"

    customer_id: str
    reason: str  # "customer", "staff" or "expired"
    lines: tuple[LineSnapshot, ...]
    total: Money


@dataclass(frozen=True, kw_only=True)
class OrderPaid(DomainEvent):
    context = "ordering"

    customer_id: str
    payment_id: str
    total: Money
    paid_at: datetime


@dataclass(frozen=True, kw_only=True)
class FulfilmentRequested(DomainEvent):
    """A paid order with a shipping address is to be picked and shipped by the service.

    Schema v2 added ``shipping_address``; v1 events (published for every paid order, before
    orders had addresses) are upcast with None and never published again.
    """

    context = "ordering"
    schema_version = 2

    customer_id: str
    lines: tuple[LineSnapshot, ...]
    shipping_address: ShippingAddress | None


@dataclass(frozen=True, kw_only=True)
class OrderFulfilled(DomainEvent):
    """The order left the shop: shipped by the fulfilment service, or fulfilled by staff.

    Schema v2 added ``carrier``, ``tracking_number`` and ``shipped_at``, which only a shipment
    reported by the service has (None when staff fulfilled the order, and in v1 events).
    """

    context = "ordering"
    schema_version = 2

    customer_id: str
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class OrderRefunded(DomainEvent):
    """Money of a paid order went back to the customer: part of its total, or all of it.

    ``fully``: the refunds reached the total and the order is now ``refunded``; ``restocked``:
    its units went back on sale (the shop asked for it with the refund).
    """

    context = "ordering"

    customer_id: str
    payment_id: str
    refund_id: str
    amount: Money
    refunded_total: Money
    fully: bool
    restocked: bool
    refunded_at: datetime
