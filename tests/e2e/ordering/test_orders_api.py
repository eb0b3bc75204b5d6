"""Placing, reading, cancelling, fulfilling and expiring orders through the API."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from uuid import UUID, uuid4

import pytest
from django.core.management import call_command
from django.utils import timezone

from emporium.inventory.models import StockItem
from emporium.multitenancy.context import tenant_context
from emporium.ordering.models import Order
from emporium.ordering.public import mark_order_paid
from tests.order_streams import backdate_reservation

pytestmark = pytest.mark.django_db


def stock(shop, name: str) -> tuple[int, int]:
    with tenant_context(shop.acme):
        row = StockItem.objects.get(product_id=shop.products[name])
    return row.on_hand, row.reserved


def test_placing_an_order_prices_it_reserves_stock_and_confirms_it(shop) -> None:
    before = timezone.now()
    response = shop.order("ann", ("mug", 3), ("pan", 1))

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["lines"] == [
        {
            "product_id": str(shop.products["mug"]),
            "name": "Mug",
            "quantity": 3,
            "unit_price": {"amount": "0.35", "currency": "USD"},
            "line_total": {"amount": "1.05", "currency": "USD"},
        },
        {
            "product_id": str(shop.products["pan"]),
            "name": "Pan",
            "quantity": 1,
            "unit_price": {"amount": "45.90", "currency": "USD"},
            "line_total": {"amount": "45.90", "currency": "USD"},
        },
    ]
    # 46.95 at 8 % is 3.756, rounded half-even to 3.76.
    assert body["subtotal"] == {"amount": "46.95", "currency": "USD"}
    assert body["tax"] == {"amount": "3.76", "currency": "USD"}
    assert body["total"] == {"amount": "50.71", "currency": "USD"}
    reserved_until = timezone.datetime.fromisoformat(body["reserved_until"])
    assert timedelta(minutes=15) <= reserved_until - before < timedelta(minutes=15, seconds=30)
    assert stock(shop, "mug") == (10, 3)
    assert stock(shop, "pan") == (3, 1)


def test_insufficient_stock_is_409_naming_the_product_and_writes_nothing(shop) -> None:
    response = shop.order("ann", ("mug", 2), ("pan", 4))

    assert response.status_code == 409
    assert response.json()["type"].endswith("/insufficient-stock")
    assert str(shop.products["pan"]) in response.json()["detail"]
    assert stock(shop, "mug") == (10, 0)
    with tenant_context(shop.acme):
        assert Order.objects.count() == 0


@pytest.mark.parametrize("product", ["draft", "globex", "unknown"])
def test_unknown_or_unpublished_product_is_422(shop, product) -> None:
    shop.products["unknown"] = "00000000-0000-0000-0000-000000000001"

    response = shop.order("ann", ("mug", 1), (product, 1))

    assert response.status_code == 422
    assert response.json()["type"].endswith("/unknown-product")
    assert stock(shop, "mug") == (10, 0)


MUG = object()  # stands for the mug's id in the bodies below


@pytest.mark.parametrize(
    "body",
    [
        {"items": []},
        {},
        {"items": [{"product_id": MUG, "quantity": 0}]},
        {"items": [{"product_id": MUG, "quantity": "2"}]},
        {"items": [{"product_id": MUG, "quantity": 1.5}]},
        {"items": [{"product_id": MUG, "quantity": 1}, {"product_id": MUG, "quantity": 1}]},
        {"items": [{"product_id": "not-a-uuid", "quantity": 1}]},
    ],
)
def test_malformed_orders_are_400(shop, body) -> None:
    mug = str(shop.products["mug"])
    payload = {
        key: [{k: mug if v is MUG else v for k, v in item.items()} for item in items]
        for key, items in body.items()
    }

    response = shop.call("post", "/api/v1/orders/", "ann", payload)

    assert response.status_code == 400
    assert stock(shop, "mug") == (10, 0)


def test_a_price_sent_by_the_client_is_ignored(shop) -> None:
    body = {
        "items": [
            {
                "product_id": str(shop.products["mug"]),
                "quantity": 1,
                "unit_price": {"amount": "0.01", "currency": "USD"},
            }
        ],
        "status": "paid",
    }

    response = shop.call("post", "/api/v1/orders/", "ann", body)

    assert response.status_code == 201
    assert response.json()["lines"][0]["unit_price"] == {"amount": "0.35", "currency": "USD"}
    assert response.json()["status"] == "confirmed"


def test_customers_see_their_own_orders_and_staff_see_all(shop) -> None:
    ann = shop.order("ann", ("mug", 1)).json()["id"]
    bob = shop.order("bob", ("mug", 1)).json()["id"]

    ann_list = shop.call("get", "/api/v1/orders/", "ann").json()
    staff_list = shop.call("get", "/api/v1/orders/?ordering=created_at", "staff").json()

    assert [o["id"] for o in ann_list["results"]] == [ann]
    assert [o["id"] for o in staff_list["results"]] == [ann, bob]
    assert shop.call("get", f"/api/v1/orders/{bob}/", "ann").status_code == 404
    assert shop.call("get", f"/api/v1/orders/{bob}/", "staff").status_code == 200
    assert (
        shop.call("get", f"/api/v1/orders/{ann}/", "globex", host="acme.localhost").status_code
        == 401
    )
    assert shop.call("get", "/api/v1/orders/?status=bogus", "staff").status_code == 400


def test_cancel_returns_the_stock_and_only_once(shop) -> None:
    order = shop.order("ann", ("mug", 4)).json()["id"]

    assert shop.call("post", f"/api/v1/orders/{order}/cancel/", "bob").status_code == 404
    cancelled = shop.call("post", f"/api/v1/orders/{order}/cancel/", "ann")
    again = shop.call("post", f"/api/v1/orders/{order}/cancel/", "ann")

    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert again.status_code == 422
    assert stock(shop, "mug") == (10, 0)


def test_fulfil_is_for_staff_and_only_for_paid_orders(shop) -> None:
    order = shop.order("ann", ("mug", 1)).json()["id"]

    assert shop.call("post", f"/api/v1/orders/{order}/fulfil/", "ann").status_code == 403
    refused = shop.call("post", f"/api/v1/orders/{order}/fulfil/", "staff")

    assert refused.status_code == 422
    assert refused.json()["type"].endswith("/not-fulfillable")


def test_history_lists_the_orders_events_oldest_first(shop) -> None:
    order = shop.order("ann", ("mug", 2)).json()["id"]
    shop.call("post", f"/api/v1/orders/{order}/cancel/", "staff")

    events = shop.call("get", f"/api/v1/orders/{order}/history/", "ann").json()

    assert [(e["type"], e["aggregate_version"]) for e in events] == [
        ("ordering.order_placed", 1),
        ("ordering.order_cancelled", 2),
    ]
    assert events[1]["payload"]["reason"] == "staff"
    assert shop.call("get", f"/api/v1/orders/{order}/history/", "bob").status_code == 404


def test_expired_orders_are_cancelled_and_their_stock_returns(shop) -> None:
    due = shop.order("ann", ("mug", 3)).json()["id"]
    fresh = shop.order("bob", ("mug", 2)).json()["id"]
    with tenant_context(shop.acme):
        backdate_reservation(due, timezone.now() - timedelta(seconds=1))
    out = StringIO()

    call_command("release_expired_reservations", stdout=out)

    assert "acme: 1 expired order(s) cancelled" in out.getvalue()
    with tenant_context(shop.acme):
        statuses = dict(Order.objects.values_list("id", "status"))
    assert statuses == {UUID(due): "cancelled", UUID(fresh): "confirmed"}
    assert stock(shop, "mug") == (10, 2)


def mark_paid(shop, order: str) -> None:
    """Record a captured payment of the order, as the payments context does."""
    with tenant_context(shop.acme):
        mark_order_paid(UUID(order), uuid4())


def test_a_paid_order_sells_its_stock_and_staff_fulfil_it(shop) -> None:
    order = shop.order("ann", ("mug", 3)).json()["id"]
    mark_paid(shop, order)

    fulfilled = shop.call("post", f"/api/v1/orders/{order}/fulfil/", "staff")
    cancel = shop.call("post", f"/api/v1/orders/{order}/cancel/", "ann")

    assert fulfilled.status_code == 200
    assert fulfilled.json()["status"] == "fulfilled"
    assert cancel.status_code == 422  # a paid order is not cancelled
    assert stock(shop, "mug") == (7, 0)
    history = shop.call("get", f"/api/v1/orders/{order}/history/", "ann").json()
    assert [event["type"] for event in history] == [
        "ordering.order_placed",
        "ordering.order_paid",
        "ordering.order_fulfilled",
    ]


# --- shipping addresses -----------------------------------------------------------------------

ADDRESS = {
    "name": "Ann Lee",
    "line1": "1 Quay St",
    "line2": "Flat 2",
    "city": "Bristol",
    "postal_code": "BS1 4DJ",
    "country": "GB",
}


def place_shipped(shop, address: object, who: str = "ann"):
    body = {
        "items": [{"product_id": str(shop.products["mug"]), "quantity": 2}],
        "shipping_address": address,
    }
    return shop.call("post", "/api/v1/orders/", who, body)


def test_an_order_with_an_address_shows_it_and_is_fulfilled_by_the_service(shop) -> None:
    placed = place_shipped(shop, ADDRESS)

    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert order["shipping_address"] == ADDRESS
    assert order["fulfilment"] is None  # not paid yet: nothing requested
    mark_paid(shop, order["id"])

    paid = shop.call("get", f"/api/v1/orders/{order['id']}/", "ann").json()
    refused = shop.call("post", f"/api/v1/orders/{order['id']}/fulfil/", "staff")

    assert paid["status"] == "paid"
    assert paid["shipping_address"] == ADDRESS
    assert paid["fulfilment"] == {
        "status": "requested",
        "carrier": None,
        "tracking_number": None,
        "shipped_at": None,
    }
    assert refused.status_code == 422  # a rule of the order, as not-fulfillable is
    assert refused.json()["type"].endswith("/fulfilled-by-service")
    after = shop.call("get", f"/api/v1/orders/{order['id']}/", "staff").json()
    assert (after["status"], after["fulfilment"]) == ("paid", paid["fulfilment"])
    history = shop.call("get", f"/api/v1/orders/{order['id']}/history/", "ann").json()
    assert [event["type"] for event in history] == [
        "ordering.order_placed",
        "ordering.order_paid",
        "ordering.fulfilment_requested",
    ]
    assert history[2]["payload"]["shipping_address"] == ADDRESS


@pytest.mark.parametrize(
    ("address", "field"),
    [
        ({**ADDRESS, "country": "XX"}, "country"),
        ({**ADDRESS, "name": ""}, "name"),
        ({**ADDRESS, "name": "   "}, "name"),
        ({**ADDRESS, "city": "x" * 201}, "city"),
        ({key: value for key, value in ADDRESS.items() if key != "line1"}, "line1"),
    ],
    ids=["unknown-country", "empty-name", "blank-name", "long-city", "missing-line1"],
)
def test_an_invalid_address_is_400_naming_the_field_and_places_nothing(
    shop, address, field
) -> None:
    response = place_shipped(shop, address)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"].endswith("/validation-error")
    assert list(response.json()["errors"]) == [f"shipping_address.{field}"]
    assert stock(shop, "mug") == (10, 0)
    with tenant_context(shop.acme):
        assert Order.objects.count() == 0


def test_an_order_without_an_address_has_none_and_no_fulfilment(shop) -> None:
    placed = shop.order("ann", ("mug", 1))

    assert placed.status_code == 201
    assert (placed.json()["shipping_address"], placed.json()["fulfilment"]) == (None, None)
    mark_paid(shop, placed.json()["id"])
    paid = shop.call("get", f"/api/v1/orders/{placed.json()['id']}/", "ann").json()
    assert (paid["status"], paid["shipping_address"], paid["fulfilment"]) == ("paid", None, None)
