"""GET /api/v1/analytics/dashboard/ over HTTP: an order paid through the API, and bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.e2e.analytics.test_sales_api import committed, place

pytestmark = pytest.mark.django_db

DASHBOARD = "/api/v1/analytics/dashboard/"


def test_an_order_paid_through_the_api_is_in_todays_figures(
    shop, django_capture_on_commit_callbacks
) -> None:
    capture = django_capture_on_commit_callbacks
    order = place(shop, capture, "ann", ("pan", 1))  # 45.90 + 8 % = 49.57
    paid = committed(
        shop,
        shop.acme,
        capture,
        "post",
        f"/api/v1/orders/{order['id']}/payments/",
        "ann",
        {
            "method": "card",
            "card_number": "4242424242424242",
            "exp_month": 12,
            "exp_year": 2031,
            "cvc": "314",
        },
    )
    assert paid.status_code == 201, paid.content
    today = timezone.now().date().isoformat()  # the shop is in UTC

    response = shop.call("get", f"{DASHBOARD}?from={today}&to={today}", "staff")

    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"from": today, "to": today, "time_zone": "UTC"}
    assert body["net_sales"] == [{"amount": "49.57", "currency": "USD"}]
    assert body["orders"] == 1
    assert body["series"][0]["orders"] == 1
    assert body["todo"]["to_fulfil"] == 1
    assert [a["type"] for a in body["activity"]] == ["paid", "placed"]
    assert body["previous"]["orders"] == 0
    assert body["previous"]["net_sales"] == [{"amount": "0.00", "currency": "USD"}]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ("from=2026-13-01", {"from": ["Use a date such as 2026-11-30 (YYYY-MM-DD)."]}),
        ("from=2026-11-02&to=2026-11-01", {"from": ["Must not be after to."]}),
        ("from=2025-01-01&to=2026-01-02", {"to": ["A period covers at most 366 days."]}),
        ("rank=price", {"rank": ["One of revenue, units."]}),
        ("to=9999-12-31", {"to": ["Must be 9999-12-29 or earlier."]}),
        ("from=9999-12-01&to=9999-12-31", {"to": ["Must be 9999-12-29 or earlier."]}),
        (
            "from=0001-01-01&to=0001-01-05",
            {"from": ["Too near 0001-01-01 to read the period before it as well."]},
        ),
    ],
)
def test_a_bad_period_or_rank_is_a_problem_naming_the_field(shop, query: str, errors: Any) -> None:
    response = shop.call("get", f"{DASHBOARD}?{query}", "owner")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == errors


def test_customers_may_not_read_the_dashboard(shop) -> None:
    assert shop.call("get", DASHBOARD, "ann").status_code == 403


def test_a_dashboard_that_cannot_catch_up_in_time_says_so_and_shows_what_it_has(
    shop, django_capture_on_commit_callbacks, settings
) -> None:
    from emporium.analytics.tasks import catch_up_projections_task
    from tests.e2e.analytics.test_customer_summary_api import HELD

    capture = django_capture_on_commit_callbacks
    place(shop, capture, "ann", ("pan", 1))
    settings.CELERY_BROKER_URL = HELD  # from now on the events wait for a relay
    settings.EMPORIUM_PROJECTION_WAIT_SECONDS = 0.05
    place(shop, capture, "ann", ("mug", 1))

    lagging = shop.call("get", DASHBOARD, "staff")
    assert lagging["Projection-Lag"] == "true"
    assert lagging.json()["todo"]["unpaid"] == 1  # the second order is not in yet

    assert catch_up_projections_task() > 0  # the periodic safety net runs
    caught_up = shop.call("get", DASHBOARD, "staff")
    assert "Projection-Lag" not in caught_up.headers
    assert caught_up.json()["todo"]["unpaid"] == 2
