"""The sales read model's rules: what one order contributes to the figures of its day."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from emporium.shared_kernel.money import Money


@dataclass(frozen=True)
class DayFigures:
    """Orders, units, revenue and refunds of one UTC day in one currency (a delta or a total).

    ``revenue_minor`` is the total of the orders placed that day; ``refunds_minor`` what was
    refunded that day, whichever day its order was placed. Net sales are the difference.
    """

    day: date
    currency: str
    orders: int = 0
    units: int = 0
    revenue_minor: int = 0
    refunds_minor: int = 0

    def __neg__(self) -> DayFigures:
        return replace(
            self,
            orders=-self.orders,
            units=-self.units,
            revenue_minor=-self.revenue_minor,
            refunds_minor=-self.refunds_minor,
        )

    @property
    def net_minor(self) -> int:
        """Return the day's revenue less its refunds."""
        return self.revenue_minor - self.refunds_minor


def refund_figures(on: date, amount: Money) -> DayFigures:
    """Return what a refund of ``amount`` made on ``on`` adds to that day."""
    return DayFigures(day=on, currency=amount.currency, refunds_minor=amount.minor)


@dataclass(frozen=True)
class OrderFact:
    """What the read model knows of one order, whatever order its events arrived in.

    A cancel may arrive before its place (delivery is at least once and unordered): the fact
    then remembers the cancel, so the later place never counts.

    A second place or cancel returns the fact unchanged, and the consumer then writes nothing:
    this is what lets a delivery that waited for a rebuild apply an event the rebuild replayed.
    """

    order_id: str
    placed_on: date | None = None
    units: int = 0
    revenue: Money | None = None
    cancelled: bool = False

    @property
    def counts(self) -> bool:
        """Return whether the order is in its day's figures."""
        return self.placed_on is not None and not self.cancelled

    def contribution(self) -> DayFigures | None:
        """Return what the order adds to its day, or None when it adds nothing."""
        if not self.counts or self.placed_on is None or self.revenue is None:
            return None
        return DayFigures(
            day=self.placed_on,
            currency=self.revenue.currency,
            orders=1,
            units=self.units,
            revenue_minor=self.revenue.minor,
        )

    def place(self, on: date, units: int, revenue: Money) -> OrderFact:
        """Return the fact once the order was placed on ``on``; a second place changes nothing."""
        if units < 0:
            raise ValueError("An order has no negative units.")
        if self.placed_on is not None:
            return self
        return replace(self, placed_on=on, units=units, revenue=revenue)

    def cancel(self) -> OrderFact:
        """Return the fact once the order was cancelled; it stays cancelled."""
        return self if self.cancelled else replace(self, cancelled=True)


def changes(before: OrderFact, after: OrderFact) -> list[DayFigures]:
    """Return the deltas that turn the figures of ``before`` into those of ``after``."""
    old, new = before.contribution(), after.contribution()
    if old == new:
        return []
    return [delta for delta in (-old if old else None, new) if delta is not None]
