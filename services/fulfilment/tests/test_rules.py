"""The shipment's rules, in plain Python."""

from datetime import UTC, datetime, timedelta

from shipments.rules import ShipmentStatus, new_tracking_number, refund_cancels, ship_after


def test_only_a_full_refund_of_a_pending_shipment_cancels_it():
    assert refund_cancels(ShipmentStatus.PENDING, fully=True)
    assert not refund_cancels(ShipmentStatus.PENDING, fully=False)
    assert not refund_cancels(ShipmentStatus.SHIPPED, fully=True)
    assert not refund_cancels(ShipmentStatus.DELIVERED, fully=True)
    assert not refund_cancels(ShipmentStatus.CANCELLED, fully=True)


def test_ship_after_adds_the_warehouse_delay():
    requested = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)

    assert ship_after(requested, 5) == requested + timedelta(seconds=5)


def test_tracking_numbers_are_fresh_and_shaped():
    numbers = {new_tracking_number() for _ in range(1000)}

    assert len(numbers) == 1000
    assert all(len(n) == 16 and n.startswith("PF") and n.endswith("GB") for n in numbers)
