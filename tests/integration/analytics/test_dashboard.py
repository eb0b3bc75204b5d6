"""The dashboard's figures: orders placed, paid, cancelled and refunded at set moments in a shop
in New York, read back in its local days, beside independent sums and after a rebuild."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest
import time_machine

from emporium.analytics import bootstrap as analytics
from emporium.analytics.domain.dashboard import bucket_value, value_bucket
from emporium.multitenancy.context import tenant_context
from emporium.tenancy.models import TenantSettings
from tests.e2e.ordering.conftest import make_product

pytestmark = pytest.mark.django_db


def usd(minor: int) -> dict[str, str]:
    return {
        "amount": f"{minor / 100:.2f}" if minor >= 0 else f"-{-minor / 100:.2f}",
        "currency": "USD",
    }


def at(moment: str) -> Iterator[Any]:
    return time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=UTC), tick=False)


@pytest.fixture
def history(shops) -> dict[str, UUID]:
    """Acme in New York: five orders around two local midnights, and a globex order."""
    with tenant_context(shops.acme):
        TenantSettings.objects.update(time_zone="America/New_York")
    make_product(shops.acme, "Kettle", "20.00", stock=0)  # published, nothing available
    orders: dict[str, UUID] = {}
    with at("2026-11-10 03:30"):  # 22:30 on 9 November in New York
        orders["o1"] = shops.order(shops.acme, 2)  # 2 mugs: 8.00
        shops.pay(shops.acme, orders["o1"])
    with at("2026-11-10 05:30"):  # 00:30 on 10 November in New York
        orders["o2"] = shops.order(shops.acme, 1, "pan")  # 45.90
        shops.pay(shops.acme, orders["o2"])
    with at("2026-11-10 14:00"):
        orders["o3"] = shops.order(shops.acme, 1)  # never paid
        orders["globex"] = shops.order(shops.globex, 3)
        shops.pay(shops.globex, orders["globex"])
    with at("2026-11-11 15:00"):
        orders["o4"] = shops.order(shops.acme, 3, "lid")  # 4.50
        payment = shops.pay(shops.acme, orders["o4"])
    with at("2026-11-11 16:00"):
        orders["o5"] = shops.order(shops.acme, 1)
        shops.cancel(shops.acme, orders["o5"])
    with at("2026-11-12 16:00"):
        moment = datetime(2026, 11, 12, 16, 0, tzinfo=UTC)
        shops.refund(shops.acme, orders["o4"], payment, "2.00", moment)
    return orders


def dashboard(tenant, start: str | None = None, end: str | None = None, rank=None):
    with tenant_context(tenant), at("2026-11-13 12:00"):
        return analytics.dashboard(start, end, rank)


def day(date: str, net: int, orders: int, average: int) -> dict[str, Any]:
    return {
        "date": date,
        "net_sales": [usd(net)],
        "orders": orders,
        "moving_average": [usd(average)],
    }


def test_the_figures_of_local_days_in_a_shop_west_of_utc(shops, history) -> None:
    found = dashboard(shops.acme, "2026-11-09", "2026-11-12")

    median = bucket_value(value_bucket(800))
    assert abs(median - 800) * 200 <= 800  # within 0.5%
    assert {k: v for k, v in found.items() if k not in ("previous", "activity")} == {
        "period": {"from": "2026-11-09", "to": "2026-11-12", "time_zone": "America/New_York"},
        "net_sales": [usd(800 + 4590 + 450 - 200)],
        "orders": 3,
        "average_order_value": [usd(1947)],  # 5840 / 3 = 1946.67
        "median_order_value": [usd(median)],
        "series": [
            # 03:30 UTC on the 10th is the 9th in New York; the refund lowers the 12th.
            day("2026-11-09", 800, 1, 114),  # 800 / 7 = 114.29
            day("2026-11-10", 4590, 1, 770),  # 5390 / 7
            day("2026-11-11", 450, 1, 834),  # 5840 / 7 = 834.29
            day("2026-11-12", -200, 0, 806),  # 5640 / 7 = 805.71
        ],
        "top_products": [
            {
                "product_id": str(shops.products["pan"]),
                "name": "Pan",
                "units": 1,
                "revenue": [usd(4590)],
            },
            {
                "product_id": str(shops.products["acme"]),
                "name": "Mug",
                "units": 2,
                "revenue": [usd(800)],
            },
            {
                "product_id": str(shops.products["lid"]),
                "name": "Lid",
                "units": 3,
                "revenue": [usd(450)],
            },
        ],
        "status_breakdown": {
            "confirmed": 1,
            "paid": 3,
            "fulfilled": 0,
            "cancelled": 1,
            "refunded": 0,
        },
        "customers": {"new": 1, "returning": 1},  # O2 was paid on O1's UTC day
        "todo": {"unpaid": 1, "to_fulfil": 3, "out_of_stock": 1},
    }
    assert [(a["type"], a["order_id"], a["amount"]) for a in found["activity"]] == [
        ("refunded", str(history["o4"]), usd(200)),
        ("cancelled", str(history["o5"]), usd(400)),
        ("placed", str(history["o5"]), usd(400)),
        ("paid", str(history["o4"]), usd(450)),
        ("placed", str(history["o4"]), usd(450)),
        ("placed", str(history["o3"]), usd(400)),
        ("paid", str(history["o2"]), usd(4590)),
        ("placed", str(history["o2"]), usd(4590)),
        ("paid", str(history["o1"]), usd(800)),
        ("placed", str(history["o1"]), usd(800)),
    ]
    assert found["activity"][0]["occurred_at"] == "2026-11-12T16:00:00Z"


def test_the_previous_period_has_the_same_keys_and_its_own_figures(shops, history) -> None:
    found = dashboard(shops.acme, "2026-11-11", "2026-11-12")["previous"]

    assert found["period"] == {
        "from": "2026-11-09",
        "to": "2026-11-10",
        "time_zone": "America/New_York",
    }
    assert found["net_sales"] == [usd(5390)]
    assert found["orders"] == 2
    assert found["average_order_value"] == [usd(2695)]
    assert found["series"] == [day("2026-11-09", 800, 1, 114), day("2026-11-10", 4590, 1, 770)]
    assert found["status_breakdown"] == {
        "confirmed": 1,
        "paid": 2,
        "fulfilled": 0,
        "cancelled": 0,
        "refunded": 0,
    }
    assert found["customers"] == {"new": 1, "returning": 0}


def test_top_products_by_units(shops, history) -> None:
    found = dashboard(shops.acme, "2026-11-09", "2026-11-12", rank="units")["top_products"]

    assert [p["name"] for p in found] == ["Lid", "Mug", "Pan"]


def test_a_utc_shop_sees_the_midnight_order_on_the_utc_day(shops, history) -> None:
    with tenant_context(shops.acme):
        TenantSettings.objects.update(time_zone="UTC")

    series = dashboard(shops.acme, "2026-11-09", "2026-11-10")["series"]

    assert [(d["date"], d["net_sales"]) for d in series] == [
        ("2026-11-09", [usd(0)]),
        ("2026-11-10", [usd(800 + 4590)]),
    ]


def test_globex_sees_only_its_own_order(shops, history) -> None:
    found = dashboard(shops.globex, "2026-11-09", "2026-11-12")

    assert found["net_sales"] == [usd(300)]
    assert found["orders"] == 1
    assert found["top_products"][0]["name"] == "Globex mug"
    assert [a["order_id"] for a in found["activity"]] == [str(history["globex"])] * 2
    assert found["todo"] == {"unpaid": 0, "to_fulfil": 1, "out_of_stock": 0}


def test_a_rebuild_gives_the_same_dashboard(shops, history) -> None:
    before = dashboard(shops.acme, "2026-11-09", "2026-11-12")

    analytics.rebuild_projection("dashboard", shops.acme)

    assert dashboard(shops.acme, "2026-11-09", "2026-11-12") == before


def test_no_dates_is_the_last_30_local_days(shops, history) -> None:
    found = dashboard(shops.acme)

    assert found["period"]["from"] == "2026-10-15"
    assert found["period"]["to"] == "2026-11-13"
    assert found["previous"]["period"]["to"] == "2026-10-14"
    assert len(found["series"]) == 30


def test_a_day_without_any_row_still_has_its_moving_average(shops, history) -> None:
    series = dashboard(shops.acme, "2026-11-12", "2026-11-14")["series"]

    # Nothing happened on the 13th and 14th: the week ending each still holds 5640.
    assert series == [
        day("2026-11-12", -200, 0, 806),
        day("2026-11-13", 0, 0, 806),  # (800 + 4590 + 450 - 200) / 7 = 805.71
        day("2026-11-14", 0, 0, 806),
    ]


def test_a_long_period_reads_whole_weeks_and_edge_days_alike(shops, history) -> None:
    # 2026-10-26 is a Monday: the median of 60 days reads weeks and days, the same orders.
    found = dashboard(shops.acme, "2026-10-14", "2026-12-12")

    assert found["orders"] == 3
    assert found["median_order_value"] == [usd(bucket_value(value_bucket(800)))]
    assert found["previous"]["median_order_value"] == []


@pytest.mark.parametrize(
    ("start", "end"),
    [("2026-11-03", "2026-11-12"), ("2026-11-08", "2026-11-16"), ("2026-11-09", "2026-11-13")],
)
def test_periods_with_and_without_whole_weeks_give_the_same_median(
    shops, history, start, end
) -> None:
    found = dashboard(shops.acme, start, end)

    assert found["median_order_value"] == [usd(bucket_value(value_bucket(800)))]


def test_the_dashboards_sql_can_be_logged(shops, history) -> None:
    # DEBUG's query log formats each statement with "%": a lone "%" in the SQL was a 500.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        found = dashboard(shops.acme, "2026-11-09", "2026-11-12")

    assert found["orders"] == 3
    assert all(query["sql"] for query in queries.captured_queries)


def test_a_shop_half_an_hour_off_utc_reads_quarter_hours(shops, history) -> None:
    with tenant_context(shops.acme):
        TenantSettings.objects.update(time_zone="Asia/Kolkata")  # UTC+05:30

    series = dashboard(shops.acme, "2026-11-10", "2026-11-12")["series"]

    # 03:30 and 05:30 UTC are the 10th in Kolkata; 15:00 UTC the 11th; 16:00 UTC the 12th.
    assert [(d["date"], d["net_sales"], d["orders"]) for d in series] == [
        ("2026-11-10", [usd(5390)], 2),
        ("2026-11-11", [usd(450)], 1),
        ("2026-11-12", [usd(-200)], 0),
    ]


def test_hours_hold_the_sums_of_their_quarter_hours(shops, history) -> None:
    from django.db.models import Sum
    from django.db.models.functions import TruncHour

    from emporium.analytics.models import SalesBucket, SalesHour

    columns = ("orders", "paid_minor", "refunds_minor", "confirmed", "paid", "cancelled")
    with tenant_context(shops.acme):
        quarters = {
            (row.pop("hour"), row.pop("currency")): row
            for row in SalesBucket.objects.annotate(hour=TruncHour("start"))
            .values("hour", "currency")
            .annotate(**{c: Sum(c) for c in columns})
        }
        hours = {
            (row.pop("start"), row.pop("currency")): row
            for row in SalesHour.objects.values("start", "currency", *columns)
        }

    assert hours == quarters
    assert len(hours) == 6  # 03:00, 05:00, 14:00 on the 10th; 15:00, 16:00; 16:00 on the 12th


def test_a_renamed_product_shows_its_latest_name(shops, history) -> None:
    from emporium.catalog import bootstrap as catalog
    from emporium.catalog.application.use_cases import ChangeProduct

    with tenant_context(shops.acme):
        catalog.change_product(ChangeProduct(shops.products["pan"], "USD", name="Copper pan"))
    with at("2026-11-12 10:00"):
        shops.pay(shops.acme, shops.order(shops.acme, 1, "pan"))

    top = dashboard(shops.acme, "2026-11-09", "2026-11-12")["top_products"][0]

    # "Pan" sorts after "Copper pan": the name is the latest day's, not the largest.
    assert (top["name"], top["units"]) == ("Copper pan", 2)
