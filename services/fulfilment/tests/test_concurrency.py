"""Shippers and relays at once on PostgreSQL: each shipment shipped once, each row sent once."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from shipments.carrier import ship_due
from shipments.inbox import apply_envelope
from shipments.models import OutboxMessage, Shipment, ShipmentEvent
from shipments.relay import relay_batch
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


class _SlowPublisher:
    """Takes envelopes into a shared list, pausing at each as a network call would."""

    def __init__(self, sent: list, pause: float = 0.01):
        self.sent = sent
        self.pause = pause

    def publish(self, envelope) -> None:
        time.sleep(self.pause)
        self.sent.append(envelope.id)

    def close(self) -> None:
        pass


def test_two_relays_send_each_row_once_and_hold_no_lock_while_sending(postgres):
    for _ in range(30):
        apply_envelope(envelopes.fulfilment_requested())
    ship_due()
    sent: list = []
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def relay() -> None:
        start.wait()
        try:
            while relay_batch(_SlowPublisher(sent), limit=5).published:
                pass
        except BaseException as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=relay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert sorted(sent) == sorted(OutboxMessage.objects.values_list("id", flat=True))
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 0


def test_a_relay_sending_leaves_the_rows_unlocked(postgres):
    apply_envelope(envelopes.fulfilment_requested())
    ship_due()
    locked: list[bool] = []

    class Probe:
        def publish(self, envelope) -> None:
            # Another connection may lock the row at once: no transaction holds it now.
            def other() -> None:
                try:
                    with transaction.atomic():
                        found = list(
                            OutboxMessage.objects.select_for_update(nowait=True).filter(
                                id=envelope.id
                            )
                        )
                        locked.append(len(found) == 1)
                finally:
                    connection.close()

            thread = threading.Thread(target=other)
            thread.start()
            thread.join(10)

        def close(self) -> None:
            pass

    assert relay_batch(Probe()).published == 1
    assert locked == [True]
