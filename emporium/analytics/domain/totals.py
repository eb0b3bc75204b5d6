"""The totals of a tenant's sales figures: orders, units and net revenue per currency."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from emporium.analytics.domain.facts import DayFigures
from emporium.shared_kernel.money import Money


@dataclass(frozen=True)
class Totals:
    """Orders and units of every day, and the revenue net of refunds in each currency."""

    orders: int = 0
    units: int = 0
    revenue: tuple[Money, ...] = ()


def totals(figures: Iterable[DayFigures]) -> Totals:
    """Return the totals of ``figures``; a currency whose days add up to nothing is left out."""
    orders = units = 0
    revenue: dict[str, int] = {}
    for day in figures:
        orders += day.orders
        units += day.units
        revenue[day.currency] = revenue.get(day.currency, 0) + day.net_minor
    amounts = tuple(Money(minor, code) for code, minor in sorted(revenue.items()) if minor)
    return Totals(orders, units, amounts)
