"""GET /api/v1/analytics/sales/: exact figures of orders placed and cancelled through the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from emporium.multitenancy.context import tenant_context

pytestmark = pytest.mark.django_db

SALES = "/api/v1/analytics/sales/"


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def day(date: str, orders: int, units: int, revenue: str, refunded: str = "0.00") -> dict[str, Any]:
    return {"date": date, **sales(orders, units, revenue, refunded)}


def sales(orders: int, units: int, revenue: str, refunded: str = "0.00") -> dict[str, Any]:
    return {"orders": orders, "units": units, "revenue": usd(revenue), "refunded": usd(refunded)}


def committed(shop, tenant, capture, method: str, url: str, who: str, body: Any = None) -> Any:
    """Call the API and run what its commit scheduled, as a real commit would."""
    with tenant_context(tenant), capture(execute=True):
        return shop.call(method, url, who, body, host=f"{tenant.slug}.localhost")


def place(shop, capture, who: str, *items: tuple[str, int], tenant=None) -> dict[str, Any]:
    body = {"items": [{"product_id": str(shop.products[n]), "quantity": q} for n, q in items]}
    response = committed(shop, tenant or shop.acme, capture, "post", "/api/v1/orders/", who, body)
    assert response.status_code == 201, response.content
    return response.json()


def test_figures_count_placed_orders_and_drop_a_cancelled_one(
    shop, django_capture_on_commit_callbacks
) -> None:
    capture = django_capture_on_commit_callbacks
    place(shop, capture, "ann", ("mug", 3), ("pan", 1))  # 46.95 + 8 % = 50.71
    place(shop, capture, "bob", ("mug", 1))  # 0.35 + 8 % = 0.38
    dropped = place(shop, capture, "bob", ("mug", 2))  # 0.70 + 8 % = 0.76
    cancel = committed(
        shop, shop.acme, capture, "post", f"/api/v1/orders/{dropped['id']}/cancel/", "staff"
    )
    assert cancel.status_code == 200
    today = timezone.now().date()  # after placing: the orders' day, unless midnight just passed
    yesterday = (today - timedelta(days=1)).isoformat()

    response = shop.call("get", f"{SALES}?from={yesterday}&to={today}", "staff")

    assert response.status_code == 200
    assert response.json() == {
        "from": yesterday,
        "to": today.isoformat(),
        "days": [day(yesterday, 0, 0, "0.00"), day(today.isoformat(), 2, 5, "51.09")],
        "totals": sales(2, 5, "51.09"),
    }


def test_without_dates_the_owner_gets_the_30_days_ending_today(
    shop, django_capture_on_commit_callbacks
) -> None:
    place(shop, django_capture_on_commit_callbacks, "ann", ("pan", 2))  # 91.80 + 8 % = 99.14
    today = timezone.now().date()

    body = shop.call("get", SALES, "owner").json()

    assert body["from"] == (today - timedelta(days=29)).isoformat()
    assert body["to"] == today.isoformat()
    assert [d["date"] for d in body["days"]] == [
        (today - timedelta(days=n)).isoformat() for n in range(29, -1, -1)
    ]
    assert body["days"][-1] == day(today.isoformat(), 1, 2, "99.14")
    assert all(d["orders"] == 0 for d in body["days"][:-1])
    assert body["totals"] == sales(1, 2, "99.14")


def test_tenants_never_see_each_others_figures(shop, django_capture_on_commit_callbacks) -> None:
    capture = django_capture_on_commit_callbacks
    place(shop, capture, "ann", ("mug", 1))  # 0.38
    place(shop, capture, "globex", ("globex", 2), tenant=shop.globex)  # 2.00 + 8 % = 2.16
    today = timezone.now().date().isoformat()
    query = f"{SALES}?from={today}&to={today}"

    acme = shop.call("get", query, "staff").json()
    globex = shop.call("get", query, "globex", host="globex.localhost").json()
    globex_token_on_acme = shop.call("get", query, "globex")

    assert acme["totals"] == sales(1, 1, "0.38")
    assert globex["totals"] == sales(1, 2, "2.16")
    assert globex_token_on_acme.status_code == 401


def test_customers_are_forbidden_and_anonymous_callers_asked_to_sign_in(shop) -> None:
    customer = shop.call("get", SALES, "ann")
    anonymous = shop.call("get", f"{SALES}?from=nonsense", None)

    assert customer.status_code == 403
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"].startswith("Bearer")
    assert anonymous["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            "from=2026-11-31&to=2026-12-01",
            {"from": ["Use a date such as 2026-11-30 (YYYY-MM-DD)."]},
        ),
        ("from=2026-11-01&to=30.11.2026", {"to": ["Use a date such as 2026-11-30 (YYYY-MM-DD)."]}),
        ("from=2026-11-02&to=2026-11-01", {"from": ["Must not be after to."]}),
        ("from=2025-01-01&to=2026-01-02", {"to": ["A period covers at most 366 days."]}),
    ],
)
def test_a_bad_period_is_a_problem_naming_the_field(shop, query: str, errors: Any) -> None:
    response = shop.call("get", f"{SALES}?{query}", "staff")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert body["errors"] == errors
