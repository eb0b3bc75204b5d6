"""A sales report: the figures of every day of a period, zeros included, and their totals."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from emporium.analytics.domain.facts import DayFigures
from emporium.shared_kernel.errors import InvalidInput
from emporium.shared_kernel.money import Money

#: The longest period a report covers, in days (a leap year).
MAX_DAYS = 366
#: The period of a report that names no dates: this many days ending today.
DEFAULT_DAYS = 30

# ASCII digits only: ``date.fromisoformat`` would also take "20261101" or a week date.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Period:
    """The days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def days(self) -> list[date]:
        """Return every day of the period, in order."""
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def _parse(value: str, field: str, errors: dict[str, list[str]]) -> date | None:
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    errors[field] = ["Use a date such as 2026-11-30 (YYYY-MM-DD)."]
    return None


def period_of(start: str | None, end: str | None, today: date) -> Period:
    """Return the period ``start``..``end``; a missing end is today, a missing start 30 days back.

    Raise ``InvalidInput`` naming each bad field: a malformed date, a start after the end, a
    period longer than ``MAX_DAYS``.
    """
    errors: dict[str, list[str]] = {}
    last = today if end is None else _parse(end, "to", errors)
    first = None if start is None else _parse(start, "from", errors)
    if errors or last is None:
        raise InvalidInput("The period is invalid.", errors=errors)
    # The calendar starts at 0001-01-01 (ordinal 1): a default period ending near it starts there.
    first = first or last - timedelta(days=min(DEFAULT_DAYS - 1, last.toordinal() - 1))
    if first > last:
        errors["from"] = ["Must not be after to."]
    elif (last - first).days + 1 > MAX_DAYS:
        errors["to"] = [f"A period covers at most {MAX_DAYS} days."]
    if errors:
        raise InvalidInput("The period is invalid.", errors=errors)
    return Period(first, last)


@dataclass(frozen=True)
class Sales:
    """Orders placed, their units, the revenue net of refunds, and the refunds made."""

    orders: int
    units: int
    revenue: Money
    refunded: Money

    def __add__(self, other: Sales) -> Sales:
        return Sales(
            self.orders + other.orders,
            self.units + other.units,
            self.revenue + other.revenue,
            self.refunded + other.refunded,
        )


@dataclass(frozen=True)
class SalesReport:
    """The sales of each day of ``period`` in ``currency``, and of the whole period."""

    period: Period
    days: tuple[tuple[date, Sales], ...]
    totals: Sales


def sales_report(period: Period, currency: str, stored: Iterable[DayFigures]) -> SalesReport:
    """Return the report of ``period`` from the stored day figures; a day without any is zero."""
    zero = Sales(0, 0, Money.zero(currency), Money.zero(currency))
    by_day: dict[date, Sales] = {}
    for figures in stored:
        if figures.currency != currency or not period.start <= figures.day <= period.end:
            continue
        sales = Sales(
            figures.orders,
            figures.units,
            Money(figures.net_minor, currency),
            Money(figures.refunds_minor, currency),
        )
        by_day[figures.day] = by_day.get(figures.day, zero) + sales
    days = tuple((day, by_day.get(day, zero)) for day in period.days())
    totals = sum((sales for _, sales in days), zero)
    return SalesReport(period, days, totals)
