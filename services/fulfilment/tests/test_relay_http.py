"""The relay without a broker: each outbox row POSTed, signed, to Emporium, once."""

from __future__ import annotations

import json
import logging
import time
import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from shipments.carrier import ship_due
from shipments.inbox import apply_envelope
from shipments.models import OutboxMessage
from shipments.publishers import HttpPublisher, PublishFailed, PublishRefused
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


def test_one_permanently_refused_dispatch_does_not_block_every_other_tenant(receiver):
    # Tenant "gone" was suspended/deleted in Emporium: /internal/events/ answers 404 for its
    # envelope every time. Another tenant's dispatch must still reach Emporium.
    _ship(tenant="gone")
    _ship(tenant="acme")
    receiver.refused_tenants = {"gone": 404}
    publisher = HttpPublisher(receiver.url, settings.FULFILMENT_SERVICE_KEY)

    for _ in range(10):
        relay_batch(publisher)

    acme = OutboxMessage.objects.get(tenant="acme")
    assert acme.published_at is not None, "acme's dispatch is stuck behind gone's forever"
    gone = OutboxMessage.objects.get(tenant="gone")
    assert (gone.published_at, gone.attempts) == (None, 1)
    assert gone.failed_at is not None
    assert "404" in gone.last_error
    # Given up: never tried again by the relay.
    assert [r.headers["X-Tenant"] for r in receiver.requests] == ["gone", "acme"]


@pytest.mark.parametrize("status", [400, 403, 404, 413, 422])
def test_a_4xx_refusal_gives_the_row_up_logs_it_and_goes_on(receiver, caplog, status):
    _ship(2)
    refused, later = OutboxMessage.objects.order_by("created_at", "id")
    receiver.statuses = [status]
    publisher = HttpPublisher(receiver.url, settings.FULFILMENT_SERVICE_KEY)

    with caplog.at_level(logging.ERROR, logger="shipments.relay"):
        outcome = relay_batch(publisher)

    assert (outcome.published, outcome.given_up, outcome.failed) == (1, 1, False)
    refused.refresh_from_db()
    later.refresh_from_db()
    assert refused.failed_at is not None
    assert refused.published_at is None
    assert refused.last_error.startswith("PublishRefused: ")
    assert str(status) in refused.last_error
    assert later.published_at is not None
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert str(refused.id) in record.getMessage()
    assert refused.type in record.getMessage()
    assert relay_batch(publisher).published == 0
    assert len(receiver.requests) == 2


@pytest.mark.parametrize("status", [401, 408, 429, 500, 502, 503])
def test_a_failure_that_may_pass_stops_the_pass_and_keeps_the_order(receiver, status):
    _ship(2)
    oldest, newest = OutboxMessage.objects.order_by("created_at", "id")
    receiver.statuses = [status]
    publisher = HttpPublisher(receiver.url, settings.FULFILMENT_SERVICE_KEY)

    failed = relay_batch(publisher)

    assert (failed.published, failed.given_up, failed.failed) == (0, 0, True)
    oldest.refresh_from_db()
    assert (oldest.failed_at, oldest.published_at, oldest.attempts) == (None, None, 1)
    assert [r.json()["id"] for r in receiver.requests] == [str(oldest.id)]
    assert relay_batch(publisher).published == 2
    assert [r.json()["id"] for r in receiver.requests][1:] == [str(oldest.id), str(newest.id)]


def test_the_http_publisher_tells_a_refusal_from_a_failure_that_may_pass(receiver):
    publisher = HttpPublisher(receiver.url, settings.FULFILMENT_SERVICE_KEY)
    envelope = envelopes.fulfilment_requested()
    receiver.statuses = [422, 429, 500]

    with pytest.raises(PublishRefused):
        publisher.publish(envelope)
    for _ in range(2):
        with pytest.raises(PublishFailed) as failure:
            publisher.publish(envelope)
        assert not isinstance(failure.value, PublishRefused)


def test_resend_outbox_clears_failed_at_and_the_relay_sends_the_row_again(receiver):
    _ship(tenant="gone")
    receiver.refused_tenants = {"gone": 403}
    publisher = HttpPublisher(receiver.url, settings.FULFILMENT_SERVICE_KEY)
    relay_batch(publisher)
    row = OutboxMessage.objects.get()
    assert row.failed_at is not None

    receiver.refused_tenants = {}
    call_command("resend_outbox", str(row.id))

    row.refresh_from_db()
    assert row.failed_at is None
    assert relay_batch(publisher).published == 1
    row.refresh_from_db()
    assert row.published_at is not None
    assert len(receiver.requests) == 2


def test_resend_outbox_all_failed_and_its_refusals(receiver):
    _ship(2, tenant="gone")
    receiver.refused_tenants = {"gone": 422}
    relay_batch(HttpPublisher(receiver.url, settings.FULFILMENT_SERVICE_KEY))
    assert OutboxMessage.objects.filter(failed_at__isnull=False).count() == 2

    with pytest.raises(CommandError, match="No given-up outbox row"):
        call_command("resend_outbox", str(uuid.uuid4()))
    with pytest.raises(CommandError):
        call_command("resend_outbox", "not-a-uuid")
    with pytest.raises(CommandError):
        call_command("resend_outbox")
    assert OutboxMessage.objects.filter(failed_at__isnull=False).count() == 2

    call_command("resend_outbox", "--all-failed")

    assert OutboxMessage.objects.filter(failed_at__isnull=False).count() == 0


def test_a_row_claimed_by_another_relay_waits_until_its_claim_expires(receiver):
    _ship()
    row = OutboxMessage.objects.get()
    publisher = HttpPublisher(receiver.url, settings.FULFILMENT_SERVICE_KEY)
    OutboxMessage.objects.update(claimed_until=timezone.now() + timedelta(minutes=1))

    assert relay_batch(publisher).published == 0

    # The relay that claimed it died: once the claim expires, another relay sends the row.
    OutboxMessage.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert relay_batch(publisher).published == 1
    row.refresh_from_db()
    assert (row.published_at is not None, row.claimed_until) == (True, None)
    assert len(receiver.requests) == 1


class _NoTransactionPublisher:
    """Records whether a transaction was open at each publish."""

    def __init__(self) -> None:
        self.in_transaction: list[bool] = []

    def publish(self, envelope) -> None:
        self.in_transaction.append(connection.in_atomic_block)

    def close(self) -> None:
        pass


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_relay_publishes():
    _ship(25)
    publisher = _NoTransactionPublisher()

    outcome = relay_batch(publisher)

    assert outcome.published == 25
    assert publisher.in_transaction == [False] * 25
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 0
    assert OutboxMessage.objects.filter(claimed_until__isnull=False).count() == 0
