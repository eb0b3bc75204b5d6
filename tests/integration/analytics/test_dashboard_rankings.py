"""Top products and medians read by hand-written SQL over the rollup rows, on both databases."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from django.db import transaction

from emporium.analytics import models as rows
from emporium.analytics.adapters import dashboard_queries
from emporium.analytics.domain.dashboard import LocalPeriod, ProductRank, bucket_value
from emporium.multitenancy.context import tenant_context
from tests.integration.analytics.conftest import Shops

pytestmark = pytest.mark.django_db(transaction=True)

A, B, C, D, E = (UUID(int=n) for n in (0xA, 0xB, 0xC, 0xD, 0xE))

# Monday 2026-11-02 .. Sunday 2026-11-15 is the current period: two whole weeks.
CURRENT = LocalPeriod(date(2026, 11, 2), date(2026, 11, 15), "UTC")
# 2026-10-19 .. 2026-11-01, the previous one.
PREVIOUS = CURRENT.previous()


def sold(
    product: UUID,
    day: date,
    units: int,
    revenue: int,
    currency: str = "USD",
    name: str = "",
    *,
    weekly: bool = False,
) -> None:
    """Write a product-sales row of the live generation; with ``weekly``, the week of the
    Monday ``day`` holding just that day's row too, as the projection writes both."""
    values = {
        "product_id": product,
        "currency": currency,
        "name": name or f"product {product.int:x}",
        "units": units,
        "revenue_minor": revenue,
    }
    rows.ProductSales.objects.create(day=day, **values)
    if weekly:
        rows.WeeklyProductSales.objects.create(week=day, **values)


def ranks(found: list[ProductRank]) -> list[tuple[str, str, int, int, int, str]]:
    return [(p.product_id[-1], p.currency, p.units, p.revenue_minor, p.rank, p.name) for p in found]


def test_top_products_rank_as_sql_rank_does_in_each_period_and_currency(shops: Shops) -> None:
    with tenant_context(shops.acme), transaction.atomic():
        # Current period: weeks of 2 Nov and 9 Nov, read from the weekly rows only.
        sold(A, date(2026, 11, 2), 1, 500, weekly=True)
        sold(B, date(2026, 11, 2), 4, 300, weekly=True)
        sold(B, date(2026, 11, 9), 1, 200, weekly=True)  # B: 5 units, 500
        sold(C, date(2026, 11, 9), 2, 300, weekly=True)
        sold(D, date(2026, 11, 9), 9, 100, weekly=True)
        sold(E, date(2026, 11, 9), 1, 50, "EUR", weekly=True)
        # A daily row inside a whole week is not read again (the weekly row has its sums).
        sold(D, date(2026, 11, 10), 100, 10_000)
        # Previous period: 19 Oct..1 Nov, whole weeks of 19 and 26 Oct.
        sold(C, date(2026, 10, 19), 3, 900, name="old name", weekly=True)
        sold(C, date(2026, 10, 26), 1, 100, weekly=True)
        # Outside both periods.
        sold(A, date(2026, 10, 12), 50, 50_000, weekly=True)
        with dashboard_queries.pinned():
            by_revenue = dashboard_queries.top_products([CURRENT, PREVIOUS], by="revenue", limit=2)
            by_units = dashboard_queries.top_products([CURRENT, PREVIOUS], by="units", limit=3)

    name = {n: f"product {n}" for n in "abcde"}
    assert [ranks(found) for found in by_revenue] == [
        [
            ("e", "EUR", 1, 50, 1, name["e"]),
            ("a", "USD", 1, 500, 1, name["a"]),  # equal revenue: one rank, listed by product
            ("b", "USD", 5, 500, 1, name["b"]),
        ],
        [("c", "USD", 4, 1000, 1, name["c"])],
    ]
    assert [ranks(found) for found in by_units] == [
        [
            ("e", "EUR", 1, 50, 1, name["e"]),
            ("d", "USD", 9, 100, 1, name["d"]),
            ("b", "USD", 5, 500, 2, name["b"]),
            ("c", "USD", 2, 300, 3, name["c"]),
        ],
        [("c", "USD", 4, 1000, 1, name["c"])],
    ]


def test_top_products_add_edge_days_to_weeks_and_name_by_the_latest_day(shops: Shops) -> None:
    # Wednesday 4 Nov .. Tuesday 17 Nov: the week of 9 Nov whole, edge days either side.
    period = LocalPeriod(date(2026, 11, 4), date(2026, 11, 17), "UTC")
    with tenant_context(shops.acme), transaction.atomic():
        sold(A, date(2026, 11, 3), 70, 7000, name="before")  # the day before: not counted
        sold(A, date(2026, 11, 4), 1, 100, name="first")
        sold(A, date(2026, 11, 9), 2, 200, name="weekly", weekly=True)
        sold(A, date(2026, 11, 17), 4, 400, name="renamed")
        sold(A, date(2026, 11, 18), 80, 8000, name="after")  # the day after: not counted
        with dashboard_queries.pinned():
            (found,) = dashboard_queries.top_products([period], by="revenue", limit=5)
    assert ranks(found) == [("a", "USD", 7, 700, 1, "renamed")]


def test_top_products_of_one_shop_only(shops: Shops) -> None:
    with tenant_context(shops.globex), transaction.atomic():
        sold(A, date(2026, 11, 2), 1, 100, weekly=True)
    with tenant_context(shops.acme), transaction.atomic(), dashboard_queries.pinned():
        assert dashboard_queries.top_products([CURRENT], by="units", limit=5) == [[]]


def test_medians_add_weekly_and_edge_histograms_per_period(shops: Shops) -> None:
    period = LocalPeriod(date(2026, 11, 4), date(2026, 11, 17), "UTC")
    with tenant_context(shops.acme), transaction.atomic():
        # Current: bucket 300 once (an edge day), 400 twice (a whole week), 900 once (an edge).
        for model, place, bucket, orders in (
            (rows.OrderValueCount, {"day": date(2026, 11, 4)}, 300, 1),
            (rows.WeeklyOrderValueCount, {"week": date(2026, 11, 9)}, 400, 2),
            (rows.OrderValueCount, {"day": date(2026, 11, 17)}, 900, 1),
            (rows.OrderValueCount, {"day": date(2026, 11, 3)}, 100, 5),  # previous period
        ):
            model.objects.create(currency="USD", bucket=bucket, orders=orders, **place)
        with dashboard_queries.pinned():
            span = dashboard_queries._Span(period, period.previous())
            medians = dashboard_queries._medians(span)
    assert medians == {
        "current": {"USD": bucket_value(400)},
        "previous": {"USD": bucket_value(100)},
    }
