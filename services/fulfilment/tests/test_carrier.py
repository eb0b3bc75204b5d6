"""The simulated carrier: ships once the delay has passed, then delivers."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shipments.carrier import deliver_due, ship_due
from shipments.envelope import rfc3339
from shipments.inbox import apply_envelope
from shipments.models import OutboxMessage, Shipment
from tests import envelopes

pytestmark = pytest.mark.django_db


def test_nothing_ships_before_the_delay(settings):
    settings.FULFILMENT_SHIP_AFTER_SECONDS = 5
    apply_envelope(envelopes.fulfilment_requested())

    assert ship_due() == 0
    assert Shipment.objects.get().status == "pending"
    assert OutboxMessage.objects.count() == 0


def test_shipping_after_the_delay_writes_exactly_one_outbox_row(settings):
    settings.FULFILMENT_SHIP_AFTER_SECONDS = 5
    request = envelopes.fulfilment_requested(tenant="globex")
    apply_envelope(request)
    later = timezone.now() + timedelta(seconds=5)

    assert ship_due(later) == 1
    assert ship_due(later + timedelta(seconds=1)) == 0

    shipment = Shipment.objects.get()
    assert shipment.status == "shipped"
    assert shipment.carrier == "Parcelforce Sim"
    assert shipment.shipped_at == later
    assert list(shipment.events.values_list("status", flat=True)) == ["pending", "shipped"]
    row = OutboxMessage.objects.get()
    assert row.to_envelope().to_dict() == {
        "id": str(row.id),
        "type": "fulfilment.shipment_dispatched",
        "occurred_at": rfc3339(later),
        "tenant": "globex",
        "aggregate_id": request.aggregate_id,
        "aggregate_version": 1,
        "payload": {
            "order_id": request.aggregate_id,
            "carrier": "Parcelforce Sim",
            "tracking_number": shipment.tracking_number,
            "shipped_at": rfc3339(later),
        },
    }
    assert row.payload["shipped_at"].endswith("Z")
    assert (row.published_at, row.attempts, row.last_error) == (None, 0, "")


def test_every_shipment_gets_its_own_tracking_number():
    for _ in range(5):
        apply_envelope(envelopes.fulfilment_requested())

    assert ship_due() == 5

    assert len(set(Shipment.objects.values_list("tracking_number", flat=True))) == 5
    assert OutboxMessage.objects.count() == 5


def test_a_shipped_parcel_is_delivered_after_the_delivery_delay(settings):
    settings.FULFILMENT_DELIVER_AFTER_SECONDS = 120
    apply_envelope(envelopes.fulfilment_requested())
    now = timezone.now()
    ship_due(now)

    assert deliver_due(now + timedelta(seconds=119)) == 0
    assert deliver_due(now + timedelta(seconds=120)) == 1
    assert deliver_due(now + timedelta(seconds=300)) == 0

    shipment = Shipment.objects.get()
    assert shipment.status == "delivered"
    assert list(shipment.events.values_list("status", flat=True)) == [
        "pending",
        "shipped",
        "delivered",
    ]
    # Delivery is the carrier's news, not Emporium's: no event leaves for it.
    assert OutboxMessage.objects.count() == 1
