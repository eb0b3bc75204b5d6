"""Emporium and the fulfilment service as real processes on PostgreSQL and RabbitMQ.

Through Emporium's API an order is placed and paid; its ``fulfilment_requested`` leaves through
the outbox relay to the service's queue; the service ships it and publishes
``fulfilment.shipment_dispatched``, which Emporium's ``fulfilment`` consumer records as the
order's ``order_fulfilled``. Nothing in between is faked.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.fulfilment.conftest import ADDRESS, CARRIER, PROBLEMS, Shop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.rabbitmq,
    # The service and Emporium's workers are other processes: the rows must be committed.
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
]

#: Seconds an order with an address may take from payment to fulfilled (ships after 1 s).
DEADLINE = 20.0


def history_types(shop: Shop, order: str) -> list[str]:
    return [event["type"] for event in shop.history(order)]


def test_a_paid_order_with_an_address_is_shipped_by_the_service_and_one_without_is_not(
    start_link, shop: Shop
) -> None:
    link = start_link(ship_after=1)
    shipped = shop.place(ADDRESS)
    digital = shop.place(address=None)

    shop.pay(shipped)
    shop.pay(digital)
    waited = link.wait_until(
        lambda: shop.order(shipped)["status"] == "fulfilled", DEADLINE, "the order fulfilled"
    )

    order = shop.order(shipped)
    fulfilment = order["fulfilment"]
    assert set(fulfilment) == {"status", "carrier", "tracking_number", "shipped_at"}
    assert (fulfilment["status"], fulfilment["carrier"]) == ("shipped", CARRIER)
    assert fulfilment["tracking_number"]
    assert datetime.fromisoformat(fulfilment["shipped_at"]).tzinfo is not None
    tracking = shop.track(shipped)
    assert tracking.status_code == 200, tracking.content
    assert tracking.json()["status"] == "shipped"
    assert tracking.json()["carrier"] == CARRIER
    assert tracking.json()["tracking_number"] == fulfilment["tracking_number"]
    assert tracking.json()["shipped_at"] == fulfilment["shipped_at"]
    assert [event["status"] for event in tracking.json()["events"]] == ["pending", "shipped"]
    history = shop.history(shipped)
    assert [event["type"] for event in history] == [
        "ordering.order_placed",
        "ordering.order_paid",
        "ordering.fulfilment_requested",
        "ordering.order_fulfilled",
    ]
    assert history[-1]["payload"]["tracking_number"] == fulfilment["tracking_number"]
    assert history[-1]["payload"]["carrier"] == CARRIER
    # The staff's click is refused: the service fulfilled it.
    assert shop.call("post", f"/api/v1/orders/{shipped}/fulfil/", "staff").status_code == 422

    # The order without an address, paid at the same moment, was never sent: after the same
    # wait the service has a shipment for the other order only.
    shipments = link.shipments(shop.slug)
    assert set(shipments) == {shipped}
    assert shipments[shipped]["tracking_number"] == fulfilment["tracking_number"]
    untracked = shop.track(digital)
    assert untracked.status_code == 404
    assert untracked.json()["type"] == PROBLEMS + "shipment-not-found"
    paid = shop.order(digital)
    assert (paid["status"], paid["fulfilment"]) == ("paid", None)
    assert history_types(shop, digital) == ["ordering.order_placed", "ordering.order_paid"]
    fulfilled = shop.call("post", f"/api/v1/orders/{digital}/fulfil/", "staff")
    assert fulfilled.status_code == 200, fulfilled.content
    assert fulfilled.json()["status"] == "fulfilled"
    assert history_types(shop, digital)[-1] == "ordering.order_fulfilled"
    assert waited < DEADLINE


def test_a_full_refund_before_dispatch_cancels_the_shipment_at_the_service(
    start_link, shop: Shop
) -> None:
    # The parcel leaves only after ten minutes: the refund certainly comes first.
    link = start_link(ship_after=600)
    order = shop.place(ADDRESS)
    payment = shop.pay(order)
    link.wait_until(
        lambda: shop.track(order).status_code == 200, DEADLINE, "the service's pending shipment"
    )
    assert shop.track(order).json()["status"] == "pending"

    refund = shop.call("post", f"/api/v1/payments/{payment}/refunds/", "staff", {})

    assert refund.status_code == 201, refund.content
    assert refund.json()["payment"]["status"] == "refunded"
    link.wait_until(
        lambda: shop.track(order).json().get("status") == "cancelled",
        DEADLINE,
        "the shipment cancelled at the service",
    )
    tracking = shop.track(order).json()
    assert (tracking["carrier"], tracking["tracking_number"], tracking["shipped_at"]) == (
        None,
        None,
        None,
    )
    assert [event["status"] for event in tracking["events"]] == ["pending", "cancelled"]
    assert link.shipments(shop.slug)[order]["status"] == "cancelled"
    assert shop.order(order)["status"] == "refunded"
    assert "ordering.order_fulfilled" not in history_types(shop, order)
