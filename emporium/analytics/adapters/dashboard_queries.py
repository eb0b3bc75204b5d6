"""The dashboard's reads: a handful of queries over the dashboard projection's rollups.

Sales come from quarter-hour buckets summed into the shop's local days in SQL
(``LocalDayNumber``), with the 7-day moving average as a window over them; the median from the
order-value histograms of the UTC days the period touches; top products from product sales.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Max, Q, QuerySet, Sum, Window
from django.db.models.functions import Rank

from emporium.analytics import models as rows
from emporium.analytics.adapters.dashboard_store import DASHBOARD
from emporium.analytics.adapters.store import PRODUCT_SALES
from emporium.analytics.domain.dashboard import (
    STATUSES,
    DayPoint,
    LocalPeriod,
    PeriodFigures,
    ProductRank,
    histogram_median,
)
from emporium.infrastructure.db.expressions import LocalDayNumber, MoneySum, MovingAverage
from emporium.infrastructure.projections.runner import live_generation

EPOCH = date(1970, 1, 1)


def _live(model: type[Any], projection: str) -> QuerySet[Any]:
    found: QuerySet[Any] = model.objects.filter(generation=live_generation(projection))
    return found


@dataclass(frozen=True)
class _Span:
    """The periods read together: the current one, the previous one, and the days before both."""

    current: LocalPeriod
    previous: LocalPeriod

    def buckets(self) -> QuerySet[rows.SalesBucket]:
        """Return the buckets from 6 days before the previous period to the current one's end."""
        lead_in = LocalPeriod(
            self.previous.start - timedelta(days=6), self.previous.start, self.current.time_zone
        )
        start, _ = lead_in.instants()
        _, after = self.current.instants()
        return _live(rows.SalesBucket, DASHBOARD).filter(start__gte=start, start__lt=after)


def _in(period: LocalPeriod) -> Q:
    start, after = period.instants()
    return Q(start__gte=start, start__lt=after)


def daily_series(span: _Span) -> dict[tuple[str, date], tuple[int, int, int]]:
    """Return (net minor, orders, 7-day moving average of net minor) per (currency, local day).

    Windows over the bucket rows: each row sees its day's sums (partition by day number) and
    the sums of the 7 days ending with its day (a RANGE frame over the day number, so a day
    without a row counts as zero); DISTINCT keeps one row per day.
    """
    zone = span.current.time_zone
    day = LocalDayNumber("start", zone)
    net = F("paid_minor") - F("refunds_minor")
    found = (
        span.buckets()
        .annotate(day=day)
        .annotate(
            day_net=Window(Sum(net), partition_by=[F("currency"), F("day")]),
            day_orders=Window(Sum("orders"), partition_by=[F("currency"), F("day")]),
            average=MovingAverage(net, order_by=F("day").asc(), partition_by=[F("currency")]),
        )
        .values_list("currency", "day", "day_net", "day_orders", "average")
        .distinct()
    )
    return {
        (currency, EPOCH + timedelta(days=number)): (int(net_minor), int(orders), int(average))
        for currency, number, net_minor, orders, average in found
    }


def _totals(span: _Span) -> dict[str, dict[str, dict[str, Any]]]:
    """Return, per period ("current", "previous") and currency, the sums of the buckets."""
    columns = ["orders", "new_customers", "returning_customers", *STATUSES]
    found: dict[str, dict[str, dict[str, Any]]] = {"current": {}, "previous": {}}
    for name, period in (("current", span.current), ("previous", span.previous)):
        sums = (
            span.buckets()
            .filter(_in(period))
            .values("currency")
            .annotate(
                paid_total=MoneySum("paid_minor", "currency"),
                refund_total=MoneySum("refunds_minor", "currency"),
                **{f"sum_{column}": Sum(column) for column in columns},
            )
            .order_by("currency")
        )
        found[name] = {row["currency"]: dict(row) for row in sums}
    return found


def _medians(span: _Span) -> dict[str, dict[str, int]]:
    """Return the median order value per period and currency, from the UTC days' histograms."""
    result: dict[str, dict[str, int]] = {}
    for name, period in (("current", span.current), ("previous", span.previous)):
        first, last = period.utc_days()
        counts = (
            _live(rows.OrderValueCount, DASHBOARD)
            .filter(day__range=(first, last))
            .values_list("currency", "bucket")
            .annotate(paid_orders=Sum("orders"))
        )
        by_currency: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for currency, bucket, orders in counts:
            by_currency[currency].append((bucket, int(orders)))
        medians = {c: histogram_median(pairs) for c, pairs in by_currency.items()}
        result[name] = {c: m for c, m in medians.items() if m is not None}
    return result


def top_products(period: LocalPeriod, *, by: str, limit: int = 5) -> list[ProductRank]:
    """Return the ``limit`` products ranked first by revenue (or units) in each currency."""
    first, last = period.utc_days()
    measure = F("total_revenue") if by == "revenue" else F("total_units")
    ranked = (
        _live(rows.ProductSales, PRODUCT_SALES)
        .filter(day__range=(first, last))
        .values("product_id", "currency")
        .annotate(
            total_units=Sum("units"),
            total_revenue=Sum("revenue_minor"),
            last_name=Max("name"),
        )
        .annotate(rank=Window(Rank(), partition_by=[F("currency")], order_by=measure.desc()))
        .filter(rank__lte=limit)
        .order_by("currency", "rank", "product_id")
    )
    return [
        ProductRank(
            product_id=str(row["product_id"]),
            name=row["last_name"],
            currency=row["currency"],
            units=int(row["total_units"]),
            revenue_minor=int(row["total_revenue"]),
            rank=int(row["rank"]),
        )
        for row in ranked
    ]


def status_counts() -> dict[str, int]:
    """Return how many of the shop's orders are in each status now."""
    found = _live(rows.OrderStatusCount, DASHBOARD).values_list("status", "orders")
    return {status: int(orders) for status, orders in found}


def _figures(
    period: LocalPeriod,
    totals: dict[str, dict[str, Any]],
    medians: dict[str, int],
    days: dict[tuple[str, date], tuple[int, int, int]],
    currencies: Iterable[str],
) -> PeriodFigures:
    every_day = [period.start + timedelta(days=n) for n in range(period.days)]
    series = [
        DayPoint(day, currency, *days.get((currency, day), (0, 0, 0)))
        for day in every_day
        for currency in currencies
    ]
    # An average needs the 6 days before its day: a day outside the read holds no row, but
    # the window saw them, so the points hold the right averages even for a zero day.
    return PeriodFigures(
        period=period,
        paid_minor={
            c: t["paid_total"].minor for c, t in totals.items() if t["paid_total"] is not None
        },
        refunds_minor={
            c: t["refund_total"].minor for c, t in totals.items() if t["refund_total"] is not None
        },
        orders_by_currency={c: int(t["sum_orders"]) for c, t in totals.items()},
        median_minor=medians,
        statuses={s: sum(int(t[f"sum_{s}"]) for t in totals.values()) for s in STATUSES},
        new_customers=sum(int(t["sum_new_customers"]) for t in totals.values()),
        returning_customers=sum(int(t["sum_returning_customers"]) for t in totals.values()),
        series=series,
    )


def period_figures(current: LocalPeriod, shop_currency: str) -> tuple[PeriodFigures, PeriodFigures]:
    """Return the figures of ``current`` and of the period of the same length before it."""
    span = _Span(current, current.previous())
    totals = _totals(span)
    medians = _medians(span)
    days = daily_series(span)
    currencies = sorted({shop_currency} | set(totals["current"]) | set(totals["previous"]))
    return (
        _figures(current, totals["current"], medians["current"], days, currencies),
        _figures(span.previous, totals["previous"], medians["previous"], days, currencies),
    )
