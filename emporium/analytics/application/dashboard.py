"""The dashboard: a period's figures beside the previous period's, the to-dos, the latest news."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from emporium.analytics.domain.dashboard import (
    Activity,
    LocalPeriod,
    PeriodFigures,
    ProductRank,
    ranked,
)
from emporium.analytics.domain.report import period_of
from emporium.shared_kernel.errors import InvalidInput
from emporium.shared_kernel.money import Money

TOP_PRODUCTS = 5
LATEST_ACTIVITY = 10
RANKINGS = ("revenue", "units")


class DashboardReads(Protocol):
    """Where the dashboard's figures come from (the projections, and two other contexts)."""

    def period_figures(
        self, period: LocalPeriod, shop_currency: str
    ) -> tuple[PeriodFigures, PeriodFigures]:
        """Return the figures of ``period`` and of the period of the same length before it."""
        ...

    def top_products(
        self, periods: Sequence[LocalPeriod], *, by: str, limit: int
    ) -> list[list[ProductRank]]:
        """Return, for each period, the products ranked ``limit`` or better in their currency
        by revenue or units."""
        ...

    def status_counts(self) -> dict[str, int]:
        """Return how many of the shop's orders are in each status now."""
        ...

    def out_of_stock(self) -> int:
        """Return how many published products have nothing available."""
        ...

    def activity(self, limit: int) -> Sequence[Activity]:
        """Return the latest ``limit`` order activities, newest first."""
        ...


#: The days a dashboard reads besides its period: the previous period, the 6 days before it
#: (moving averages), and a day at each end (UTC days of a shop far from UTC).
FIRST_DAY = date.min + timedelta(days=2)
LAST_DAY = date.max - timedelta(days=2)


def _check_room(start: date, end: date) -> None:
    """Raise ``InvalidInput`` for a period too near the calendar's ends to read around it."""
    length = (end - start).days + 1
    if (start - FIRST_DAY).days < length + 6:
        raise InvalidInput(
            "The period starts too early.",
            errors={"from": ["Too near 0001-01-01 to read the period before it as well."]},
        )
    if end > LAST_DAY:
        raise InvalidInput(
            "The period ends too late.", errors={"to": ["Must be 9999-12-29 or earlier."]}
        )


def _money(minor_by_currency: dict[str, int]) -> list[dict[str, str]]:
    return [Money(minor, c).to_dict() for c, minor in sorted(minor_by_currency.items())]


def _figures(
    figures: PeriodFigures, products: list[ProductRank], currencies: list[str]
) -> dict[str, Any]:
    period = figures.period
    averages = {c: figures.average_minor(c) for c in figures.orders_by_currency}
    points: dict[date, dict[str, Any]] = {}
    for point in figures.series:
        day = points.setdefault(
            point.day,
            {"date": point.day.isoformat(), "net_sales": [], "orders": 0, "moving_average": []},
        )
        day["net_sales"].append(Money(point.net_minor, point.currency).to_dict())
        day["moving_average"].append(Money(point.moving_average_minor, point.currency).to_dict())
        day["orders"] += point.orders
    revenue: dict[str, dict[str, int]] = {}
    for product in products:
        revenue.setdefault(product.product_id, {})[product.currency] = product.revenue_minor
    return {
        "period": {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "time_zone": period.time_zone,
        },
        "net_sales": _money({c: figures.net_minor(c) for c in currencies}),
        "orders": figures.orders,
        "average_order_value": _money({c: a for c, a in averages.items() if a is not None}),
        "median_order_value": _money(figures.median_minor),
        "series": list(points.values()),
        "top_products": [
            {
                "product_id": product.product_id,
                "name": product.name,
                "units": product.units,
                "revenue": _money(revenue[product.product_id]),
            }
            for product in products
        ],
        "status_breakdown": dict(figures.statuses),
        "customers": {"new": figures.new_customers, "returning": figures.returning_customers},
    }


def dashboard(
    start: str | None,
    end: str | None,
    *,
    today: date,
    time_zone: str,
    shop_currency: str,
    reads: DashboardReads,
    instant: Callable[[datetime], str],
    rank_by: str | None = None,
) -> dict[str, Any]:
    """Return the dashboard of ``start``..``end`` (local days; default the last 30) as the API
    shows it, instants written by ``instant``. Raise ``InvalidInput`` for a bad period or rank.
    """
    rank_by = rank_by or "revenue"
    if rank_by not in RANKINGS:
        raise InvalidInput("Unknown ranking.", errors={"rank": [f"One of {', '.join(RANKINGS)}."]})
    period = period_of(start, end, today)
    _check_room(period.start, period.end)
    current = LocalPeriod(period.start, period.end, time_zone)
    figures, previous = reads.period_figures(current, shop_currency)
    currencies = sorted({shop_currency} | set(figures.currencies) | set(previous.currencies))

    top_now, top_before = (
        ranked(found, shop_currency, TOP_PRODUCTS)
        for found in reads.top_products(
            [current, current.previous()], by=rank_by, limit=TOP_PRODUCTS
        )
    )
    statuses = reads.status_counts()
    document = _figures(figures, top_now, currencies)
    document["todo"] = {
        "unpaid": statuses.get("confirmed", 0),
        "to_fulfil": statuses.get("paid", 0),
        "out_of_stock": reads.out_of_stock(),
    }
    document["activity"] = [
        {
            "type": item.type,
            "order_id": item.order_id,
            "occurred_at": instant(item.occurred_at),
            "amount": Money(item.amount_minor, item.currency).to_dict(),
        }
        for item in reads.activity(LATEST_ACTIVITY)
    ]
    document["previous"] = _figures(previous, top_before, currencies)
    return document
