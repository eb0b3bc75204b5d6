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

from django.db.models import F, Max, Q, QuerySet, Subquery, Sum, Value, Window
from django.db.models.functions import Coalesce, Rank

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
from emporium.infrastructure.projections.models import ProjectionState

EPOCH = date(1970, 1, 1)


def _live(model: type[Any], projection: str) -> QuerySet[Any]:
    """Return ``model``'s rows of the projection's live generation, read in the same statement.

    The generation is a subquery of the current tenant's state that is not correlated with
    the row (``runner.live_generation`` is), so PostgreSQL runs it once per statement, not
    once per row: a 90-day read scans about 18,000 bucket rows.
    """
    states = ProjectionState.objects.filter(name=projection).values("generation")[:1]
    live = Coalesce(Subquery(states), Value(1))
    found: QuerySet[Any] = model.objects.filter(generation=live)
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

    The buckets are summed per local day in SQL; the moving average is a window over those
    sums, its RANGE frame over the day number counting a day without a row as zero.
    """
    net = F("paid_minor") - F("refunds_minor")
    found = (
        span.buckets()
        .values("currency", day=LocalDayNumber("start", span.current.time_zone))
        .annotate(
            day_net=Sum(net),
            day_orders=Sum("orders"),
            average=MovingAverage("day_net", order_by="day", partition_by=[F("currency")]),
        )
        .values_list("currency", "day", "day_net", "day_orders", "average")
        .order_by()
    )
    return {
        (currency, EPOCH + timedelta(days=number)): (int(net_minor), int(orders), int(average))
        for currency, number, net_minor, orders, average in found
    }


def _totals(span: _Span) -> dict[str, dict[str, dict[str, Any]]]:
    """Return, per period ("current", "previous") and currency, the sums of the buckets.

    One statement: each sum is filtered to its period (``FILTER (WHERE ...)``).
    """
    columns = ["orders", "new_customers", "returning_customers", *STATUSES]
    periods = {"current": _in(span.current), "previous": _in(span.previous)}
    sums: dict[str, Any] = {}
    for name, within in periods.items():
        sums[f"{name}_paid_money"] = MoneySum("paid_minor", "currency", filter=within)
        sums[f"{name}_refund_money"] = MoneySum("refunds_minor", "currency", filter=within)
        for column in columns:
            sums[f"{name}_{column}"] = Sum(column, filter=within)
    found: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in periods}
    for found_row in span.buckets().values("currency").annotate(**sums).order_by("currency"):
        row: dict[str, Any] = dict(found_row)
        for name in periods:
            money = (row[f"{name}_paid_money"], row[f"{name}_refund_money"])
            if money == (None, None) and not any(row[f"{name}_{c}"] for c in columns):
                continue  # nothing of this currency in this period
            found[name][row["currency"]] = {
                "paid_total": row[f"{name}_paid_money"],
                "refund_total": row[f"{name}_refund_money"],
                **{f"sum_{column}": row[f"{name}_{column}"] or 0 for column in columns},
            }
    return found


def _medians(span: _Span) -> dict[str, dict[str, int]]:
    """Return the median order value per period and currency, from the UTC days' histograms."""
    periods = {"current": span.current.utc_days(), "previous": span.previous.utc_days()}
    first = min(days[0] for days in periods.values())
    last = max(days[1] for days in periods.values())
    counts = (
        _live(rows.OrderValueCount, DASHBOARD)
        .filter(day__range=(first, last))
        .values_list("currency", "bucket")
        .annotate(
            **{name: Sum("orders", filter=Q(day__range=days)) for name, days in periods.items()}
        )
        .order_by()
    )
    by_period: dict[str, dict[str, list[tuple[int, int]]]] = {p: defaultdict(list) for p in periods}
    for currency, bucket, *orders in counts:
        for name, n in zip(periods, orders, strict=True):
            if n:
                by_period[name][currency].append((bucket, int(n)))
    result: dict[str, dict[str, int]] = {}
    for name, histograms in by_period.items():
        medians = {c: histogram_median(pairs) for c, pairs in histograms.items()}
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
