"""The dashboard's reads: a handful of queries over the dashboard projection's rollups.

Sales come from quarter-hour buckets summed into the shop's local days in SQL
(``LocalDayNumber``), with the 7-day moving average as a window over them; the median from the
order-value histograms of the UTC days the period touches; top products from product sales.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet, Sum

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
    top_ranked,
    week_of,
    whole_weeks,
)
from emporium.infrastructure.db.expressions import LocalDayNumber, MoneySum, MovingAverage
from emporium.infrastructure.projections.models import ProjectionState

EPOCH = date(1970, 1, 1)


#: The live generation of each projection, read once for a whole dashboard (``pinned``).
_PINNED: ContextVar[dict[str, int] | None] = ContextVar("dashboard_generations", default=None)


def _generations() -> dict[str, int]:
    found = ProjectionState.objects.filter(name__in=[DASHBOARD, PRODUCT_SALES])
    live = dict(found.values_list("name", "generation"))
    return {name: int(live.get(name, 1)) for name in (DASHBOARD, PRODUCT_SALES)}


@contextmanager
def pinned() -> Iterator[Callable[[], bool]]:
    """Read the projections' live generations once, for every read of the block.

    A constant generation lets PostgreSQL use the (tenant, generation, day) indexes (a
    subquery for it made a 90-day read scan the tenant's every row). A rebuild may swap
    generations between two reads: the block's caller asks the function it gets whether they
    are still live, and reads again if not.
    """
    generations = _generations()
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


@dataclass(frozen=True)
class _Span:
    """The periods read together: the current one, the previous one, and the days before both."""

    current: LocalPeriod
    previous: LocalPeriod

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


def _in(period: LocalPeriod) -> Q:
    start, after = period.instants()
    return Q(start__gte=start, start__lt=after)


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


def _weeks_and_edges(first: date, last: date) -> tuple[Q, Q]:
    """Return the filters of the weekly rows and of the daily rows that cover ``first``..``last``
    (histograms and product sales alike).

    Whole weeks come from the weekly rows; the days before the first and after the last whole
    week from the daily ones.
    """
    weeks = whole_weeks(first, last)
    if weeks is None:
        return Q(pk__in=[]), Q(day__range=(first, last))
    monday, last_monday = weeks
    edges = Q(day__range=(first, monday - timedelta(days=1))) | Q(
        day__range=(last_monday + timedelta(days=7), last)
    )
    return Q(week__range=weeks), edges


def _medians(span: _Span) -> dict[str, dict[str, int]]:
    """Return the median order value per period and currency, from the UTC days' histograms.

    Two statements (weekly rows, daily rows), each summing both periods with FILTER.
    """
    periods = {"current": span.current.utc_days(), "previous": span.previous.utc_days()}
    parts = {name: _weeks_and_edges(*days) for name, days in periods.items()}
    first = min(days[0] for days in periods.values())
    last = max(days[1] for days in periods.values())
    tables = (
        (rows.WeeklyOrderValueCount, 0),
        (rows.OrderValueCount, 1),
    )
    by_period: dict[str, dict[str, dict[int, int]]] = {p: defaultdict(dict) for p in periods}
    for model, part in tables:
        wanted = Q()
        for filters in parts.values():
            wanted |= filters[part]
        column = "week" if part == 0 else "day"
        # The whole span as one range too, so that the index on (tenant, generation, day)
        # narrows the scan; the ORed ranges alone made PostgreSQL read the tenant's every row.
        span_range = Q(**{f"{column}__range": (week_of(first), last)})
        counts = (
            _live(model, DASHBOARD)
            .filter(span_range, wanted)
            .values_list("currency", "bucket")
            .annotate(
                **{name: Sum("orders", filter=filters[part]) for name, filters in parts.items()}
            )
            .order_by()
        )
        for currency, bucket, *orders in counts:
            for name, n in zip(periods, orders, strict=True):
                if n:
                    found = by_period[name][currency]
                    found[bucket] = found.get(bucket, 0) + int(n)
    result: dict[str, dict[str, int]] = {}
    for name, histograms in by_period.items():
        medians = {c: histogram_median(pairs.items()) for c, pairs in histograms.items()}
        result[name] = {c: m for c, m in medians.items() if m is not None}
    return result


def top_products(period: LocalPeriod, *, by: str, limit: int = 5) -> list[ProductRank]:
    """Return the ``limit`` products ranked first by revenue (or units) in each currency.

    Whole weeks are read from the weekly rows and the days at the edges from the daily ones
    (two grouped statements), then ranked as SQL's ``RANK()`` ranks (``domain.top_ranked``).
    """
    first, last = period.utc_days()
    weeks, edges = _weeks_and_edges(first, last)
    totals: dict[tuple[Any, str], tuple[int, int]] = {}
    # Each also within the whole span, so that the (tenant, generation, day or week) indexes
    # narrow the scan (the ORed edge ranges alone did not).
    parts = (
        (rows.WeeklyProductSales, weeks, Q(week__range=(week_of(first), last))),
        (rows.ProductSales, edges, Q(day__range=(first, last))),
    )
    for model, within, span in parts:
        found = (
            _live(model, PRODUCT_SALES)
            .filter(span, within)
            .values_list("product_id", "currency")
            .annotate(total_units=Sum("units"), total_revenue=Sum("revenue_minor"))
            .order_by()
        )
        for product_id, currency, units, revenue in found:
            seen = totals.get((product_id, currency), (0, 0))
            totals[(product_id, currency)] = (seen[0] + int(units), seen[1] + int(revenue))
    winners = top_ranked(totals, by=by, limit=limit)
    # The name a product had on its latest day in the period (it may have been renamed).
    names: dict[Any, str] = {}
    latest = (
        _live(rows.ProductSales, PRODUCT_SALES)
        .filter(day__range=(first, last), product_id__in=[w[0] for w in winners])
        .order_by("product_id", "-day")
        .values_list("product_id", "name")
    )
    for product_id, name in latest:
        names.setdefault(product_id, name)
    return [
        ProductRank(str(product_id), names.get(product_id, ""), currency, units, revenue, rank)
        for product_id, currency, units, revenue, rank in winners
    ]


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
