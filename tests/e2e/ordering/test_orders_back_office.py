"""Orders in the back office: this tenant's only, read-only, cancelled through the use case."""

from __future__ import annotations

import pytest
from django.test import Client

from emporium.multitenancy.context import tenant_context
from emporium.ordering import bootstrap
from emporium.ordering.application.use_cases import PlaceOrder
from emporium.ordering.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(shop):
    client = Client(HTTP_HOST="acme.localhost")
    with tenant_context(shop.acme):
        client.force_login(shop.users["staff"])
    return client


def test_orders_list_detail_and_cancel_action(shop, staff_client) -> None:
    order = shop.order("ann", ("mug", 2)).json()["id"]

    listing = staff_client.get("/admin/ordering/order/")
    detail = staff_client.get(f"/admin/ordering/order/{order}/change/")
    staff_client.post("/admin/ordering/order/", {"action": "cancel", "_selected_action": [order]})

    assert listing.status_code == 200
    assert order in listing.content.decode()
    assert detail.status_code == 200
    assert "1. ordering.order_placed" in detail.content.decode()
    with tenant_context(shop.acme):
        assert Order.objects.get(pk=order).status == "cancelled"


def test_another_tenants_order_is_404(shop, staff_client) -> None:
    with tenant_context(shop.globex):
        placed = bootstrap.place_order(
            PlaceOrder(shop.users["globex"].pk, [(shop.products["globex"], 1)])
        )

    assert staff_client.get(f"/admin/ordering/order/{placed.id}/change/").status_code == 404
