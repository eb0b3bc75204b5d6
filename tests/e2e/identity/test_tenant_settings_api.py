"""GET/PATCH /api/v1/settings/: owners only; validated; changes the tenant's own settings."""

from __future__ import annotations

import pytest
from django.test import Client

from emporium.identity.adapters.tokens import issue_token
from emporium.identity.models import User
from emporium.multitenancy.context import tenant_context
from tests.e2e.ordering.conftest import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def tokens(acme_and_globex, make_account):
    acme, globex = acme_and_globex
    result = {}
    for tenant, email, role in [
        (acme, "owner@acme.example", "owner"),
        (acme, "staff@acme.example", "staff"),
        (acme, "customer@acme.example", "customer"),
        (globex, "owner@globex.example", "owner"),
    ]:
        user = make_account(tenant, email, role)
        with tenant_context(tenant):
            result[email] = issue_token(User.objects.get(pk=user.pk))[0]
    return result


def call(method: str, token: str | None, host: str = "acme.localhost", body=None):
    headers = {"HTTP_HOST": host}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    client = Client()
    if method == "get":
        return client.get("/api/v1/settings/", **headers)
    return client.patch("/api/v1/settings/", body, content_type="application/json", **headers)


def test_owner_reads_the_settings(tokens) -> None:
    response = call("get", tokens["owner@acme.example"])

    assert response.status_code == 200
    assert response.json() == {
        "name": "Acme Inc.",
        "currency": "USD",
        "tax_rate": "8.00",
        "payment_methods": ["card"],
        "time_zone": "UTC",
    }


def test_owner_changes_the_settings_and_other_tenants_keep_theirs(tokens) -> None:
    response = call(
        "patch",
        tokens["owner@acme.example"],
        body={"name": "Acme Shop", "tax_rate": "19.00", "currency": "EUR"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "name": "Acme Shop",
        "currency": "EUR",
        "tax_rate": "19.00",
        "payment_methods": ["card"],
        "time_zone": "UTC",
    }
    assert call("get", tokens["owner@acme.example"]).json()["tax_rate"] == "19.00"
    assert call("get", tokens["owner@globex.example"], host="globex.localhost").json() == {
        "name": "Globex Corporation",
        "currency": "USD",
        "tax_rate": "8.00",
        "payment_methods": ["card"],
        "time_zone": "UTC",
    }


@pytest.mark.parametrize("who", ["staff@acme.example", "customer@acme.example"])
def test_only_owners_may_read_or_change(tokens, who: str) -> None:
    assert call("get", tokens[who]).status_code == 403
    assert call("patch", tokens[who], body={"name": "Mine"}).status_code == 403


def test_anonymous_is_401_and_another_tenants_owner_is_401(tokens) -> None:
    assert call("get", None).status_code == 401
    assert call("get", tokens["owner@globex.example"]).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tax_rate": "100.01"}, "tax_rate"),
        ({"tax_rate": 8}, None),
        ({"currency": "XXX"}, "currency"),
        ({"payment_methods": []}, "payment_methods"),
        ({"payment_methods": ["bitcoin"]}, "payment_methods.0"),
        ({"name": ""}, "name"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "x" * 65}, "time_zone"),
    ],
)
def test_invalid_changes_are_400_and_change_nothing(tokens, body, field) -> None:
    response = call("patch", tokens["owner@acme.example"], body=body)

    if field is None:  # a number is accepted by DRF's DecimalField: 8 → "8.00"
        assert response.status_code == 200
        return
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert call("get", tokens["owner@acme.example"]).json()["name"] == "Acme Inc."


def test_owner_sets_the_time_zone_of_the_reports(tokens) -> None:
    response = call("patch", tokens["owner@acme.example"], body={"time_zone": "Asia/Kolkata"})

    assert response.status_code == 200
    assert response.json()["time_zone"] == "Asia/Kolkata"
    assert call("get", tokens["owner@acme.example"]).json()["time_zone"] == "Asia/Kolkata"
    globex = call("get", tokens["owner@globex.example"], host="globex.localhost").json()
    assert globex["time_zone"] == "UTC"


def test_webhook_secret_is_never_shown(tokens) -> None:
    assert "webhook" not in call("get", tokens["owner@acme.example"]).content.decode()


def test_the_currency_is_fixed_once_a_product_or_an_order_is_priced_in_it(
    tokens, acme_and_globex
) -> None:
    owner = tokens["owner@acme.example"]
    fresh = call("patch", owner, body={"currency": "EUR"})
    assert fresh.status_code == 200  # nothing priced yet: a new shop picks its currency
    back = call("patch", owner, body={"currency": "USD"})
    assert back.status_code == 200
    make_product(acme_and_globex[0], "Mug", "9.50", stock=1)

    refused = call("patch", owner, body={"currency": "EUR", "name": "Acme Euro"})

    assert refused.status_code == 422
    assert refused.json() == {
        "type": "https://emporium.example/problems/currency-in-use",
        "title": "Business rule violated",
        "status": 422,
        "detail": "The shop already has products or orders in USD; its currency can no longer "
        "change.",
    }
    assert call("get", owner).json() == {
        "name": "Acme Inc.",
        "currency": "USD",
        "tax_rate": "8.00",
        "payment_methods": ["card"],
        "time_zone": "UTC",
    }
    # The same currency again is no change, and the rest of the body still applies.
    same = call("patch", owner, body={"currency": "USD", "tax_rate": "10.00"})
    assert (same.status_code, same.json()["tax_rate"]) == (200, "10.00")
