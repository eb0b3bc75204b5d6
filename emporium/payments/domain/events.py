"""Events of the payments context."""

from __future__ import annotations

from dataclasses import dataclass

from emporium.shared_kernel.events import DomainEvent
from emporium.shared_kernel.money import Money


@dataclass(frozen=True, kw_only=True)
class PaymentCaptured(DomainEvent):
    """The order's total was captured by the provider (the seed's ``payment_processed``)."""

    context = "payments"

    order_id: str
    method: str
    amount: Money
    brand: str
    last4: str


@dataclass(frozen=True, kw_only=True)
class PaymentDeclined(DomainEvent):
    """The provider refused the payment; nothing was captured."""

    context = "payments"

    order_id: str
    method: str
    amount: Money
    reason: str  # "card-declined" or "insufficient-funds"


@dataclass(frozen=True, kw_only=True)
class PaymentRefunded(DomainEvent):
    """Part or all of a captured payment went back to the customer."""

    context = "payments"

    order_id: str
    amount: Money
    refunded_amount: Money  # in total, this refund included
