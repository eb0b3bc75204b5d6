"""The relay without a broker: each outbox row POSTed, signed, to Emporium, once."""

from __future__ import annotations

import json
import time

import pytest
from django.conf import settings

from shipments.carrier import ship_due
from shipments.inbox import apply_envelope
from shipments.models import OutboxMessage
from shipments.publishers import HttpPublisher
from shipments.relay import relay_batch
from shipments.signing import verify
from tests import envelopes

pytestmark = pytest.mark.django_db


def _ship(count: int = 1, tenant: str = "acme") -> None:
    for _ in range(count):
        apply_envelope(envelopes.fulfilment_requested(tenant=tenant))
    ship_due()


def test_the_relay_pushes_the_dispatch_signed_once(receiver):
    _ship(tenant="globex")
    row = OutboxMessage.objects.get()
    publisher = HttpPublisher(receiver.url, settings.FULFILMENT_SERVICE_KEY)

    first = relay_batch(publisher)
    second = relay_batch(publisher)

    assert (first.published, first.failed) == (1, False)
    assert (second.published, second.failed) == (0, False)
    assert len(receiver.requests) == 1
    pushed = receiver.requests[0]
    assert pushed.path == "/internal/events/"
    assert pushed.headers["Content-Type"] == "application/json"
    assert pushed.headers["X-Tenant"] == "globex"
    assert abs(int(pushed.headers["X-Service-Timestamp"]) - time.time()) < 5
    assert verify(
        settings.FULFILMENT_SERVICE_KEY, pushed.headers, "POST", "/internal/events/", pushed.body
    )
    assert not verify("another key", pushed.headers, "POST", "/internal/events/", pushed.body)
    assert pushed.json() == json.loads(row.to_envelope().to_json())
    row.refresh_from_db()
    assert row.published_at is not None


def test_a_failed_push_stays_on_the_row_and_goes_out_next_pass_in_order(receiver):
    _ship(2)
    oldest, newest = OutboxMessage.objects.order_by("created_at", "id")
    publisher = HttpPublisher(receiver.url, settings.FULFILMENT_SERVICE_KEY)
    receiver.statuses = [503]

    failed = relay_batch(publisher)

    assert (failed.published, failed.failed) == (0, True)
    oldest.refresh_from_db()
    assert oldest.published_at is None
    assert oldest.attempts == 1
    assert oldest.last_error.startswith("PublishFailed: ")
    assert "503" in oldest.last_error
    # The newer row waited behind the failed one.
    assert [r.json()["id"] for r in receiver.requests] == [str(oldest.id)]

    retried = relay_batch(publisher)

    assert (retried.published, retried.failed) == (2, False)
    assert [r.json()["id"] for r in receiver.requests] == [
        str(oldest.id),
        str(oldest.id),
        str(newest.id),
    ]
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 0


def test_an_unreachable_receiver_keeps_the_row(unused_port):
    _ship()
    publisher = HttpPublisher(f"http://127.0.0.1:{unused_port}/internal/events/", "k")

    assert relay_batch(publisher).failed

    row = OutboxMessage.objects.get()
    assert (row.published_at, row.attempts) == (None, 1)
    assert "unreachable" in row.last_error
