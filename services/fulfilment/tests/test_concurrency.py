"""Shippers at once on PostgreSQL: SKIP LOCKED hands each shipment to exactly one of them."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from shipments.carrier import ship_due
from shipments.inbox import apply_envelope
from shipments.models import OutboxMessage, Shipment, ShipmentEvent
from tests import envelopes

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_shippers_ship_each_shipment_once(postgres):
    for _ in range(30):
        apply_envelope(envelopes.fulfilment_requested())
    shipped: list[int] = []
    start = threading.Barrier(2)

    def shipper() -> None:
        start.wait()
        try:
            while count := ship_due(limit=3):
                shipped.append(count)
        finally:
            connection.close()

    threads = [threading.Thread(target=shipper) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sum(shipped) == 30
    assert Shipment.objects.filter(status="shipped").count() == 30
    assert ShipmentEvent.objects.filter(status="shipped").count() == 30
    assert OutboxMessage.objects.count() == 30
    assert OutboxMessage.objects.values("aggregate_id").distinct().count() == 30
