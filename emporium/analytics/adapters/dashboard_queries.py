"""The dashboard's reads: three statements over the projections' rollups, for both periods.

Sales come from hourly (or quarter-hour) buckets summed into the shop's local days in SQL
(``LocalDayNumber``), with the 7-day moving average as a window over them; the median from the
order-value histograms of the UTC days each period touches; top products from product sales,
ranked by SQL's ``RANK()``. Histograms and product sales are hand-written SQL: one statement
where the ORM needed a grouped query per table and period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import F, QuerySet, Sum

from emporium.analytics import models as rows
from emporium.analytics.adapters.dashboard_store import DASHBOARD
from emporium.analytics.adapters.store import PRODUCT_SALES
from emporium.analytics.domain.dashboard import (
    STATUSES,
    DayPoint,
    LocalPeriod,
    PeriodFigures,
    ProductRank,
    half_even_quotient,
    histogram_median,
    whole_weeks,
)
from emporium.infrastructure.db.expressions import LocalDayNumber, MoneySum, MovingAverage
from emporium.infrastructure.projections.models import ProjectionState
from emporium.multitenancy.context import require_tenant

EPOCH = date(1970, 1, 1)

# The hand-written statements below (the hot path: one statement where the ORM needs several)
# interpolate only table names from the models, fixed column names and placeholders; every
# value is a parameter.


#: The live generation of each projection, read once for a whole dashboard (``pinned``).
_PINNED: ContextVar[dict[str, int] | None] = ContextVar("dashboard_generations", default=None)


def _generations() -> dict[str, int]:
    found = ProjectionState.objects.filter(name__in=[DASHBOARD, PRODUCT_SALES])
    live = dict(found.values_list("name", "generation"))
    return {name: int(live.get(name, 1)) for name in (DASHBOARD, PRODUCT_SALES)}


@contextmanager
def pinned(generations: dict[str, int] | None = None) -> Iterator[Callable[[], bool]]:
    """Use the projections' live generations (``generations`` if given, else read now) for
    every read of the block.

    A constant generation lets PostgreSQL use the (tenant, generation, day) indexes (a
    subquery for it made a 90-day read scan the tenant's every row). A rebuild may swap
    generations between two reads: the block's caller asks the function it gets whether they
    are still live, and reads again if not.
    """
    generations = generations or _generations()
    token = _PINNED.set(generations)
    try:
        yield lambda: _generations() == generations
    finally:
        _PINNED.reset(token)


def _live(model: type[Any], projection: str) -> QuerySet[Any]:
    """Return ``model``'s rows of the projection's live generation (pinned, or read now)."""
    generations = _PINNED.get() or _generations()
    found: QuerySet[Any] = model.objects.filter(generation=generations[projection])
    return found


def _scope(model: type[Any], projection: str) -> tuple[Any, int]:
    """Return the current tenant's id as ``model``'s column holds it, and the projection's live
    generation (for hand-written SQL; it filters on both as ``_live`` does)."""
    field = model._meta.get_field("tenant").target_field
    tenant = field.get_db_prep_value(require_tenant().id, connection)
    return tenant, (_PINNED.get() or _generations())[projection]


@dataclass(frozen=True)
class _Span:
    """The periods read together: the current one, the previous one, and the days before both."""

    current: LocalPeriod
    previous: LocalPeriod

    def periods(self) -> dict[str, LocalPeriod]:
        """Return both periods by name."""
        return {"current": self.current, "previous": self.previous}

    def buckets(self) -> QuerySet[Any]:
        """Return the buckets from 6 days before the previous period to the current one's end."""
        lead_in = LocalPeriod(
            self.previous.start - timedelta(days=6), self.previous.start, self.current.time_zone
        )
        start, _ = lead_in.instants()
        _, after = self.current.instants()
        # Hours where they add up to the shop's days (whole-hour zones), else quarter-hours.
        spans_hours = LocalPeriod(lead_in.start, self.current.end, self.current.time_zone)
        model = rows.SalesHour if spans_hours.in_whole_hours() else rows.SalesBucket
        return _live(model, DASHBOARD).filter(start__gte=start, start__lt=after)


#: The bucket columns summed per local day besides money.
COUNTS = ("orders", "new_customers", "returning_customers", *STATUSES)


def local_days(span: _Span) -> dict[tuple[str, date], dict[str, Any]]:
    """Return the sums of every (currency, local day) of the span that has a bucket row.

    One statement: the buckets are summed per local day (``LocalDayNumber``), money with
    ``MoneySum``, and the 7-day moving average of net sales is a window over those sums, its
    RANGE frame over the day number counting a day without a row as zero.
    """
    net = F("paid_minor") - F("refunds_minor")
    found = (
        span.buckets()
        .values("currency", day=LocalDayNumber("start", span.current.time_zone))
        .annotate(
            day_net=Sum(net),
            paid_money=MoneySum("paid_minor", "currency"),
            refund_money=MoneySum("refunds_minor", "currency"),
            average=MovingAverage("day_net", order_by="day", partition_by=[F("currency")]),
            **{f"sum_{column}": Sum(column) for column in COUNTS},
        )
        .order_by()
    )
    days: dict[tuple[str, date], dict[str, Any]] = {}
    for found_row in found:
        row: dict[str, Any] = dict(found_row)
        days[(row["currency"], EPOCH + timedelta(days=row["day"]))] = {
            "net": int(row["day_net"]),
            "paid_minor": row["paid_money"].minor,
            "refunds_minor": row["refund_money"].minor,
            "average": int(row["average"]),
            **{column: int(row[f"sum_{column}"]) for column in COUNTS},
        }
    return days


def _average_of(days: dict[tuple[str, date], dict[str, Any]], currency: str, day: date) -> int:
    """Return the 7-day moving average of a day without a row (the window gave none)."""
    week = [days.get((currency, day - timedelta(days=n)), {}).get("net", 0) for n in range(7)]
    return half_even_quotient(sum(week), 7)


@dataclass(frozen=True)
class _Cover:
    """The rollup rows that add up to the UTC days ``first``..``last``: whole weeks from the
    weekly rows, the days before the first and after the last whole week from the daily ones.
    """

    first: date
    last: date
    weeks: tuple[date, date] | None
    days: tuple[tuple[date, date], ...]

    @classmethod
    def of(cls, first: date, last: date) -> _Cover:
        """Return the cover of ``first``..``last``."""
        weeks = whole_weeks(first, last)
        if weeks is None:
            return cls(first, last, None, ((first, last),))
        monday, last_monday = weeks
        edges = ((first, monday - timedelta(days=1)), (last_monday + timedelta(days=7), last))
        return cls(first, last, weeks, tuple((a, b) for a, b in edges if a <= b))


def _covered_rows(
    weekly: type[Any], daily: type[Any], columns: str, projection: str, covers: Sequence[_Cover]
) -> tuple[str, list[Any]]:
    """Return the SQL (and params) of the live rows of ``weekly`` and ``daily`` that each of
    ``covers`` takes, with ``period`` (the cover's index) before ``columns``.

    One SELECT per range with its bounds as constants, so that PostgreSQL estimates each
    well and reads one range of the (tenant, generation, week or day) index; a row two
    periods take (a UTC day both touch) comes once for each.
    """
    tenant, generation = _scope(weekly, projection)
    adapt = connection.ops.adapt_datefield_value
    parts, params = [], []
    for model, column, ranges in (
        (weekly, "week", [(n, *c.weeks) for n, c in enumerate(covers) if c.weeks]),
        (daily, "day", [(n, *r) for n, c in enumerate(covers) for r in c.days]),
    ):
        table = connection.ops.quote_name(model._meta.db_table)
        for n, low, high in ranges:
            parts.append(
                f"SELECT {n} AS period, {columns} FROM {table} WHERE tenant_id = %s "  # noqa: S608
                f"AND generation = %s AND {column} BETWEEN %s AND %s"
            )
            params += [tenant, generation, adapt(low), adapt(high)]
    return " UNION ALL ".join(parts), params


def _medians(span: _Span) -> dict[str, dict[str, int]]:
    """Return the median order value per period and currency, from the UTC days' histograms.

    One statement: the weekly and daily histogram rows of both periods, summed per period,
    currency and bucket.
    """
    periods = span.periods()
    covers = [_Cover.of(*period.utc_days()) for period in periods.values()]
    rows_sql, params = _covered_rows(
        rows.WeeklyOrderValueCount,
        rows.OrderValueCount,
        "currency, bucket, orders",
        DASHBOARD,
        covers,
    )
    sql = (
        f"SELECT period, currency, bucket, SUM(orders) FROM ({rows_sql}) AS histogram "  # noqa: S608
        "GROUP BY period, currency, bucket"
    )
    by_period: list[dict[str, list[tuple[int, int]]]] = [defaultdict(list) for _ in covers]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for period, currency, bucket, orders in cursor.fetchall():
            by_period[int(period)][currency].append((int(bucket), int(orders)))
    result: dict[str, dict[str, int]] = {}
    for name, histograms in zip(periods, by_period, strict=True):
        medians = {c: histogram_median(pairs) for c, pairs in histograms.items()}
        result[name] = {c: m for c, m in medians.items() if m is not None}
    return result


#: What top products may be ranked by, and the column that measures it.
MEASURES = {"revenue": "revenue", "units": "units"}


def top_products(
    periods: Sequence[LocalPeriod], *, by: str, limit: int = 5
) -> list[list[ProductRank]]:
    """Return, for each of ``periods``, the products ranked ``limit`` or better in their
    currency by revenue (or units), with the name each had on its latest day in the period.

    One statement: the weekly and daily product-sales rows covering each period's UTC days,
    summed per period, product and currency; SQL's ``RANK()`` ranks them (equal measures share
    a rank, the next one skips: 1, 1, 3), ties listed by product.
    """
    measure = MEASURES[by]
    covers = [_Cover.of(*period.utc_days()) for period in periods]
    rows_sql, params = _covered_rows(
        rows.WeeklyProductSales,
        rows.ProductSales,
        "product_id, currency, units, revenue_minor",
        PRODUCT_SALES,
        covers,
    )
    names_table = connection.ops.quote_name(rows.ProductSales._meta.db_table)
    tenant, generation = _scope(rows.ProductSales, PRODUCT_SALES)
    adapt = connection.ops.adapt_datefield_value
    names = []
    for n, cover in enumerate(covers):
        # The name a product had on its latest day in the period (it may have been renamed).
        names.append(
            f"WHEN {n} THEN (SELECT n.name FROM {names_table} AS n "  # noqa: S608
            "WHERE n.tenant_id = %s AND n.generation = %s AND n.product_id = ranked.product_id "
            "AND n.day BETWEEN %s AND %s ORDER BY n.day DESC LIMIT 1)"
        )
        params += [tenant, generation, adapt(cover.first), adapt(cover.last)]
    sql = (
        "WITH totals AS (SELECT period, product_id, currency, SUM(units) AS units, "  # noqa: S608
        f"SUM(revenue_minor) AS revenue FROM ({rows_sql}) AS sold "
        "GROUP BY period, product_id, currency), "
        "ranked AS (SELECT totals.*, RANK() OVER (PARTITION BY period, currency "
        f"ORDER BY {measure} DESC) AS place FROM totals) "
        "SELECT period, product_id, currency, units, revenue, place, "
        f"CASE period {' '.join(names)} END FROM ranked WHERE place <= %s "
        "ORDER BY period, currency, place, product_id"
    )
    params.append(limit)
    found: list[list[ProductRank]] = [[] for _ in periods]
    product_field = rows.ProductSales._meta.get_field("product_id")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for period, product_id, currency, units, revenue, place, name in cursor.fetchall():
            product = product_field.to_python(product_id)
            found[int(period)].append(
                ProductRank(str(product), name or "", currency, int(units), int(revenue), place)
            )
    return found


def status_counts() -> dict[str, int]:
    """Return how many of the shop's orders are in each status now."""
    found = _live(rows.OrderStatusCount, DASHBOARD).values_list("status", "orders")
    return {status: int(orders) for status, orders in found}


def _figures(
    period: LocalPeriod,
    medians: dict[str, int],
    days: dict[tuple[str, date], dict[str, Any]],
    currencies: Iterable[str],
) -> PeriodFigures:
    every_day = [period.start + timedelta(days=n) for n in range(period.days)]
    series: list[DayPoint] = []
    sums: dict[str, dict[str, int]] = {}
    for day in every_day:
        for currency in currencies:
            row = days.get((currency, day))
            if row is None:
                series.append(DayPoint(day, currency, 0, 0, _average_of(days, currency, day)))
                continue
            series.append(DayPoint(day, currency, row["net"], row["orders"], row["average"]))
            total = sums.setdefault(currency, {})
            for key in ("paid_minor", "refunds_minor", *COUNTS):
                total[key] = total.get(key, 0) + row[key]
    return PeriodFigures(
        period=period,
        paid_minor={c: t["paid_minor"] for c, t in sums.items() if t["orders"]},
        refunds_minor={c: t["refunds_minor"] for c, t in sums.items() if t["refunds_minor"]},
        orders_by_currency={c: t["orders"] for c, t in sums.items()},
        median_minor=medians,
        statuses={s: sum(t[s] for t in sums.values()) for s in STATUSES},
        new_customers=sum(t["new_customers"] for t in sums.values()),
        returning_customers=sum(t["returning_customers"] for t in sums.values()),
        series=series,
    )


def period_figures(current: LocalPeriod, shop_currency: str) -> tuple[PeriodFigures, PeriodFigures]:
    """Return the figures of ``current`` and of the period of the same length before it."""
    span = _Span(current, current.previous())
    medians = _medians(span)
    days = local_days(span)
    currencies = sorted({shop_currency} | {currency for currency, _ in days})
    return (
        _figures(current, medians["current"], days, currencies),
        _figures(span.previous, medians["previous"], days, currencies),
    )
