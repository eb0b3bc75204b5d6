"""The orders export's rows: what each column holds, in the shop's time zone, formula-safe."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol
from uuid import UUID

from emporium.analytics.domain.report import Period
from emporium.shared_kernel.money import Money, minor_digits

#: The first row of every export.
HEADER = (
    "order_id",
    "created_at",
    "customer_email",
    "status",
    "subtotal",
    "tax",
    "shipping",
    "total",
    "refunded",
    "currency",
)

# A spreadsheet takes a cell that starts with one of these for a formula (OWASP, "CSV
# Injection"): = + - @, and tab and carriage return, which some strip before looking.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class ExportedOrder(Protocol):
    """An order as the export reads it (ordering's ``OrderRecord``)."""

    @property
    def id(self) -> UUID: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def customer_id(self) -> UUID: ...
    @property
    def status(self) -> str: ...
    @property
    def subtotal(self) -> Money: ...
    @property
    def tax(self) -> Money: ...
    @property
    def shipping(self) -> Money: ...
    @property
    def total(self) -> Money: ...
    @property
    def refunded(self) -> Money: ...
    @property
    def currency(self) -> str: ...


def inert(text: str) -> str:
    """Return ``text`` as a cell no spreadsheet runs: an apostrophe before a formula's start."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def decimal_amount(money: Money) -> str:
    """Return the amount in major units with the currency's digits: "12.50", "1500" (yen)."""
    places = minor_digits(money.currency)
    whole, part = divmod(abs(money.minor), 10**places)  # integers: exact at any size
    sign = "-" if money.minor < 0 else ""
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"


def order_row(order: ExportedOrder, email: str, zone: tzinfo) -> tuple[str, ...]:
    """Return the export's row of ``order`` placed by ``email``, its time in ``zone``."""
    return (
        str(order.id),
        order.created_at.astimezone(zone).isoformat(),
        inert(email),
        order.status,
        decimal_amount(order.subtotal),
        decimal_amount(order.tax),
        decimal_amount(order.shipping),
        decimal_amount(order.total),
        decimal_amount(order.refunded),
        order.currency,
    )


def day_bounds(period: Period, zone: tzinfo) -> tuple[datetime, datetime]:
    """Return where the period's first day begins and where the day after its last begins.

    Days are ``zone``'s: a day of a daylight-saving change is 23 or 25 hours long, and a day
    whose midnight is skipped begins at the first instant it has. At the ends of the calendar
    (year 1, year 9999) a bound that a datetime cannot hold in UTC is the first or last one.
    """
    start = _midnight(period.start, zone)
    end = _midnight(period.end + timedelta(days=1), zone) if period.end < date.max else _LAST
    return start, end


_FIRST = datetime.min.replace(tzinfo=UTC)
_LAST = datetime.max.replace(tzinfo=UTC)


def _midnight(day: date, zone: tzinfo) -> datetime:
    try:
        return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    except OverflowError:
        return _FIRST if day.year == 1 else _LAST
