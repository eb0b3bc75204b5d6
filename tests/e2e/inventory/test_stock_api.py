"""GET/PUT /api/v1/products/{id}/stock/: staff only, compare-and-set, never below reserved."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from emporium.catalog import bootstrap as catalog
from emporium.catalog.application import use_cases as cases
from emporium.identity.adapters.tokens import issue_token
from emporium.inventory.models import StockItem, StockMovement
from emporium.multitenancy.context import tenant_context
from emporium.shared_kernel.money import Money

pytestmark = pytest.mark.django_db


def product(tenant, name: str, publish: bool = True):
    with tenant_context(tenant):
        made = catalog.create_product(
            cases.CreateProduct(
                name=name,
                description="Described.",
                category_id=None,
                price=Money.of("5.00", "USD"),
                currency="USD",
            )
        )
        if publish:
            catalog.publish_product(cases.PublishProduct(made.id))
    return made.id


@pytest.fixture
def shop(acme_and_globex, make_account):
    acme, globex = acme_and_globex
    tokens = {}
    for tenant, email, role in [
        (acme, "staff@acme.example", "staff"),
        (acme, "owner@acme.example", "owner"),
        (acme, "customer@acme.example", "customer"),
        (globex, "staff@globex.example", "staff"),
    ]:
        user = make_account(tenant, email, role)
        with tenant_context(tenant):
            tokens[email] = issue_token(user)[0]
    return {
        "acme": acme,
        "tokens": tokens,
        "mug": product(acme, "Mug"),
        "draft": product(acme, "Draft", publish=False),
        "globex_mug": product(globex, "Mug"),
    }


def call(method: str, product_id, token: str | None, body=None, host: str = "acme.localhost"):
    headers = {"HTTP_HOST": host}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    url = f"/api/v1/products/{product_id}/stock/"
    if method == "get":
        return Client().get(url, **headers)
    return Client().put(url, body, content_type="application/json", **headers)


def test_staff_counts_stock_and_reads_it(shop) -> None:
    staff = shop["tokens"]["staff@acme.example"]

    assert call("get", shop["mug"], staff).json() == {"on_hand": 0, "reserved": 0, "available": 0}
    put = call("put", shop["mug"], staff, {"on_hand": 40})

    assert put.status_code == 200
    assert put.json() == {"on_hand": 40, "reserved": 0, "available": 40}
    assert call("get", shop["mug"], staff).json() == {"on_hand": 40, "reserved": 0, "available": 40}
    with tenant_context(shop["acme"]):
        assert list(
            StockMovement.objects.values_list("kind", "on_hand_delta", "on_hand_after")
        ) == [("adjust", 40, 40)]


def test_expected_on_hand_is_compare_and_set(shop) -> None:
    staff = shop["tokens"]["staff@acme.example"]
    call("put", shop["mug"], staff, {"on_hand": 40})

    stale = call("put", shop["mug"], staff, {"on_hand": 10, "expected_on_hand": 39})
    fresh = call("put", shop["mug"], staff, {"on_hand": 10, "expected_on_hand": 40})

    assert stale.status_code == 409
    assert stale.json()["type"].endswith("/stale-expected-on-hand")
    assert fresh.status_code == 200
    assert fresh.json()["on_hand"] == 10


def test_on_hand_below_reserved_is_409(shop) -> None:
    staff = shop["tokens"]["staff@acme.example"]
    call("put", shop["mug"], staff, {"on_hand": 40})
    with tenant_context(shop["acme"]):
        StockItem.objects.filter(product_id=shop["mug"]).update(reserved=5)

    response = call("put", shop["mug"], staff, {"on_hand": 4})

    assert response.status_code == 409
    assert response.json()["type"].endswith("/below-reserved")


@pytest.mark.parametrize(
    "body", [{"on_hand": -1}, {"on_hand": "5"}, {"on_hand": 2.5}, {"on_hand": True}, {}]
)
def test_bad_counts_are_400_and_change_nothing(shop, body) -> None:
    staff = shop["tokens"]["staff@acme.example"]

    response = call("put", shop["mug"], staff, body)

    assert response.status_code == 400
    assert "on_hand" in response.json()["errors"]
    assert call("get", shop["mug"], staff).json()["on_hand"] == 0


def test_check_order_401_404_403(shop) -> None:
    tokens = shop["tokens"]
    customer = tokens["customer@acme.example"]

    assert call("get", shop["mug"], None).status_code == 401
    assert call("get", shop["mug"], "emp_bad").status_code == 401
    assert call("get", uuid.uuid4(), customer).status_code == 404
    assert call("get", shop["draft"], customer).status_code == 404  # a draft: not for customers
    assert call("get", shop["mug"], customer).status_code == 403
    assert call("put", shop["mug"], customer, {"on_hand": "x"}).status_code == 403  # 403 before 400
    assert call("get", shop["globex_mug"], tokens["staff@acme.example"]).status_code == 404
    assert call("get", shop["draft"], tokens["owner@acme.example"]).status_code == 200
