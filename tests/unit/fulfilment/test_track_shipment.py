"""Tracking an order's shipment: who may ask, and what the service's answers become."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest

from emporium.fulfilment.application.errors import ServiceUnavailable, ShipmentNotFound
from emporium.fulfilment.application.track_shipment import TrackShipment, track_shipment
from emporium.fulfilment.domain.tracking import Tracking, TrackingEvent
from emporium.shared_kernel.errors import NotFound
from tests.unit.fulfilment.fakes import MemoryOrders, MemoryTracker

ANN, BOB = uuid4(), uuid4()
ORDER = uuid4()
SHIPPED = Tracking(
    status="shipped",
    carrier="DHL",
    tracking_number="JD0001",
    shipped_at=datetime(2026, 12, 3, 10, 0, tzinfo=UTC),
    events=(
        TrackingEvent("pending", datetime(2026, 12, 2, 9, 0, tzinfo=UTC), "Received"),
        TrackingEvent("shipped", datetime(2026, 12, 3, 10, 0, tzinfo=UTC), "Left the warehouse"),
    ),
)


def track(customer: UUID | None, tracker: MemoryTracker, order: UUID = ORDER) -> Tracking:
    orders = MemoryOrders({ORDER: ANN})
    return track_shipment(TrackShipment("acme", order, customer), orders, tracker)


def test_the_customer_who_placed_the_order_gets_its_shipment() -> None:
    tracker = MemoryTracker({("acme", ORDER): SHIPPED})

    assert track(ANN, tracker) == SHIPPED
    assert tracker.asked == [("acme", ORDER)]


def test_the_shops_staff_get_any_orders_shipment() -> None:
    tracker = MemoryTracker({("acme", ORDER): SHIPPED})

    assert track(None, tracker) == SHIPPED


def test_another_customers_order_is_not_found_and_the_service_is_not_asked() -> None:
    tracker = MemoryTracker({("acme", ORDER): SHIPPED})

    with pytest.raises(NotFound) as refused:
        track(BOB, tracker)

    assert refused.value.code == "not-found"
    assert not isinstance(refused.value, ShipmentNotFound)
    assert tracker.asked == []


def test_an_unknown_order_is_not_found() -> None:
    with pytest.raises(NotFound) as refused:
        track(None, MemoryTracker(), order=uuid4())

    assert refused.value.code == "not-found"


def test_an_order_the_service_has_no_shipment_for_is_shipment_not_found() -> None:
    with pytest.raises(ShipmentNotFound) as refused:
        track(ANN, MemoryTracker())

    assert refused.value.code == "shipment-not-found"


def test_an_order_never_sent_to_the_service_is_shipment_not_found_without_a_call() -> None:
    tracker = MemoryTracker(down=17)
    orders = MemoryOrders({ORDER: ANN}, unsent={ORDER})

    with pytest.raises(ShipmentNotFound):
        track_shipment(TrackShipment("acme", ORDER, ANN), orders, tracker)

    assert tracker.asked == []


def test_an_unavailable_service_says_when_to_try_again() -> None:
    with pytest.raises(ServiceUnavailable) as refused:
        track(ANN, MemoryTracker(down=17))

    assert refused.value.code == "service-unavailable"
    assert refused.value.retry_after == 17


def test_retry_after_is_never_under_a_second() -> None:
    assert ServiceUnavailable(retry_after=0).retry_after == 1
