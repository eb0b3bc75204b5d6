"""The dashboard's rules: buckets of time and of order value, and the figures read from them."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from emporium.analytics.domain.order_export import day_bounds
from emporium.analytics.domain.report import Period

#: Every time zone's offset from UTC is a multiple of this, so local days are whole buckets.
BUCKET = timedelta(minutes=15)

#: Order statuses the dashboard counts (an order is never stored ``pending``).
STATUSES = ("confirmed", "paid", "fulfilled", "cancelled", "refunded")


def bucket_start(moment: datetime) -> datetime:
    """Return the start of the UTC quarter-hour holding ``moment``."""
    moment = moment.astimezone(UTC)
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def week_of(day: date) -> date:
    """Return the Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def whole_weeks(first: date, last: date) -> tuple[date, date] | None:
    """Return the first and last Monday of the weeks lying wholly in ``first``..``last``."""
    start = week_of(first) if first.weekday() == 0 else week_of(first) + timedelta(days=7)
    end = week_of(last) if last.weekday() == 6 else week_of(last) - timedelta(days=7)
    return (start, end) if start <= end else None


def _value_bounds() -> tuple[int, ...]:
    # Integer bounds, each at most 1% (but at least 1 minor unit) above the last: below 200
    # minor units every amount is a bucket of its own, above it a bucket is at most 1% of its
    # low bound wide, so its middle is within 0.5% of every amount in it. No floats.
    bounds = [0, 1]
    while bounds[-1] < 2**63:
        last = bounds[-1]
        bounds.append(max(last + 1, last * 101 // 100))
    return tuple(bounds)


_BOUNDS = _value_bounds()


def value_bucket(minor: int) -> int:
    """Return the value bucket of an order total in minor units (0 holds 0 and less)."""
    return max(bisect_right(_BOUNDS, minor) - 1, 0)


def bucket_value(bucket: int) -> int:
    """Return the middle of a value bucket: within 0.5% of every amount in it."""
    low, high = _BOUNDS[bucket], _BOUNDS[bucket + 1] - 1
    return (low + high) // 2


def half_even_quotient(dividend: int, divisor: int) -> int:
    """Return ``dividend / divisor`` rounded half to even (a positive divisor)."""
    return round(Fraction(dividend, divisor))  # a Fraction rounds half to even, as apply_rate


def histogram_median(counts: Iterable[tuple[int, int]]) -> int | None:
    """Return the median order value of ``(bucket, orders)`` pairs; None without orders.

    An even count averages the two middle orders' buckets (rounded down), as the exact median
    averages their values: the answer is within 0.5% of the exact median.
    """
    ordered = sorted((bucket, n) for bucket, n in counts if n > 0)
    total = sum(n for _, n in ordered)
    if not total:
        return None
    # 1-based ranks of the middle order(s).
    wanted = sorted({(total + 1) // 2, total // 2 + 1})
    found: list[int] = []
    seen = 0
    for bucket, n in ordered:
        seen += n
        while wanted and wanted[0] <= seen:
            wanted.pop(0)
            found.append(bucket_value(bucket))
    return sum(found) // len(found)


@dataclass(frozen=True)
class LocalPeriod:
    """The days ``start``..``end`` (both included) of a shop in ``time_zone``."""

    start: date
    end: date
    time_zone: str

    @property
    def days(self) -> int:
        """Return how many days the period has."""
        return (self.end - self.start).days + 1

    def previous(self) -> LocalPeriod:
        """Return the period of the same length that ends the day before this one starts."""
        length = timedelta(days=self.days)
        return LocalPeriod(self.start - length, self.end - length, self.time_zone)

    def instants(self) -> tuple[datetime, datetime]:
        """Return the UTC instants of the period's first local midnight and the one after it."""
        return day_bounds(Period(self.start, self.end), ZoneInfo(self.time_zone))

    def in_whole_hours(self) -> bool:
        """Return whether every local midnight of the period (and of the week before it) is
        on a UTC hour: then hourly rows add up to its days exactly."""
        zone = ZoneInfo(self.time_zone)
        first = self.start - timedelta(days=7)
        for n in range((self.end - first).days + 2):
            offset = datetime.combine(first + timedelta(days=n), time(), zone).utcoffset()
            if offset is None or offset % timedelta(hours=1):
                return False
        return True

    def utc_days(self) -> tuple[date, date]:
        """Return the first and last UTC day the period touches (for rows kept per UTC day)."""
        first, after = self.instants()
        return first.date(), (after - timedelta(microseconds=1)).date()


@dataclass
class Bucket:
    """What a batch of events adds to one quarter-hour's row (all fields are deltas)."""

    orders: int = 0
    paid_minor: int = 0
    refunds_minor: int = 0
    new_customers: int = 0
    returning_customers: int = 0
    statuses: dict[str, int] = field(default_factory=dict)

    def add(self, other: Bucket) -> None:
        """Add ``other``'s deltas to these (an hour sums its quarter-hours)."""
        self.orders += other.orders
        self.paid_minor += other.paid_minor
        self.refunds_minor += other.refunds_minor
        self.new_customers += other.new_customers
        self.returning_customers += other.returning_customers
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n

    def move(self, old: str | None, new: str) -> None:
        """Count an order placed in this bucket as ``new`` instead of ``old``."""
        if old is not None:
            self.statuses[old] = self.statuses.get(old, 0) - 1
        self.statuses[new] = self.statuses.get(new, 0) + 1


@dataclass
class TrackedOrder:
    """What the fold needs of an order: where it was placed, and its status."""

    order_id: str
    placed_at: datetime
    currency: str
    status: str


@dataclass
class TrackedCustomer:
    """When a customer first paid, and the last UTC day they paid on."""

    customer_id: str
    first_paid_at: datetime
    last_paid_day: date


@dataclass(frozen=True)
class DayPoint:
    """One local day of one currency: net sales, orders paid, and the 7-day moving average."""

    day: date
    currency: str
    net_minor: int
    orders: int
    moving_average_minor: int


@dataclass(frozen=True)
class ProductRank:
    """A product's units and revenue in one currency over a period, and its rank there."""

    product_id: str
    name: str
    currency: str
    units: int
    revenue_minor: int
    rank: int


@dataclass(frozen=True)
class PeriodFigures:
    """The sums of one period, per currency where they are money."""

    period: LocalPeriod
    paid_minor: dict[str, int]
    refunds_minor: dict[str, int]
    orders_by_currency: dict[str, int]
    median_minor: dict[str, int]
    statuses: dict[str, int]
    new_customers: int
    returning_customers: int
    series: list[DayPoint]

    @property
    def currencies(self) -> list[str]:
        """Return the currencies with payments or refunds in the period."""
        return sorted(set(self.paid_minor) | set(self.refunds_minor))

    def net_minor(self, currency: str) -> int:
        """Return paid totals less refunds made, in ``currency``."""
        return self.paid_minor.get(currency, 0) - self.refunds_minor.get(currency, 0)

    @property
    def orders(self) -> int:
        """Return how many orders were paid in the period, in every currency."""
        return sum(self.orders_by_currency.values())

    def average_minor(self, currency: str) -> int | None:
        """Return paid totals over orders paid, rounded half to even; None without orders."""
        orders = self.orders_by_currency.get(currency, 0)
        if not orders:
            return None
        return half_even_quotient(self.paid_minor.get(currency, 0), orders)


def ranked(products: Iterable[ProductRank], currency: str, limit: int) -> list[ProductRank]:
    """Return the first ``limit`` products: the shop's currency's ranking first, then others."""
    ordered = sorted(products, key=lambda p: (p.currency != currency, p.rank, p.product_id))
    seen: dict[str, ProductRank] = {}
    for product in ordered:
        seen.setdefault(product.product_id, product)
    return list(seen.values())[:limit]


@dataclass(frozen=True)
class Activity:
    """Something that happened to an order: placed, paid, refunded or cancelled."""

    type: str
    order_id: str
    occurred_at: datetime
    amount_minor: int
    currency: str
