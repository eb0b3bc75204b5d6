"""The customer-summary projection's rules: what ordering events add to a customer's summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from emporium.shared_kernel.money import Money


@dataclass(frozen=True)
class CustomerSummary:
    """Orders a customer placed, what they paid per currency (less refunds), first and last."""

    customer_id: str
    orders: int = 0
    paid_total: tuple[Money, ...] = ()  # by currency code; a currency once paid in stays
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None


@dataclass
class SummaryDelta:
    """What a batch of events adds to one customer's summary."""

    customer_id: str
    orders: int = 0
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None
    paid_minor: dict[str, int] = field(default_factory=dict)  # by currency code

    def placed(self, at: datetime) -> None:
        """Count an order placed at ``at``."""
        self.orders += 1
        self.first_order_at = at if self.first_order_at is None else min(self.first_order_at, at)
        self.last_order_at = at if self.last_order_at is None else max(self.last_order_at, at)

    def paid(self, amount: Money) -> None:
        """Add a payment (a negative amount for a refund)."""
        self.paid_minor[amount.currency] = self.paid_minor.get(amount.currency, 0) + amount.minor
