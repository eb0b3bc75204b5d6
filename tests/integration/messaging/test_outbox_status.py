"""``outbox_status``: what waits in the outbox and which deliveries failed, per tenant."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from emporium.infrastructure.messaging.models import DeliveryFailure
from emporium.infrastructure.outbox.models import OutboxMessage
from tests.integration.messaging.test_relay import BOTH, envelope, store

pytestmark = BOTH


def seed_pipeline() -> None:
    """Three unpublished rows (acme 2, one failing to publish; platform 1), one published."""
    OutboxMessage.objects.using("admin").all().delete()
    acme_old, acme_new, platform, done = (
        envelope(1, tenant="acme"),
        envelope(2, tenant="acme"),
        envelope(3),
        envelope(4, tenant="acme"),
    )
    store(acme_old, acme_new, platform, done)
    now = timezone.now()
    rows = OutboxMessage.objects.using("admin")
    rows.filter(id=acme_old.id).update(created_at=now - timedelta(minutes=90), attempts=2)
    rows.filter(id=acme_new.id).update(created_at=now - timedelta(seconds=30))
    rows.filter(id=platform.id).update(created_at=now - timedelta(seconds=5))
    rows.filter(id=done.id).update(published_at=now)
    first = now - timedelta(hours=2)
    for n, (consumer, status) in enumerate(
        [("order-confirmation", "failed"), ("order-confirmation", "retrying"), ("sales", "failed")]
    ):
        item = envelope(10 + n, tenant="acme")
        DeliveryFailure.objects.using("admin").create(
            consumer=consumer,
            event_id=item.id,
            event_type=item.type,
            tenant="acme",
            envelope=item.to_json().decode(),
            status=status,
            attempts=5 if status == "failed" else 2,
            last_failed_at=first,
            next_attempt_at=None if status == "failed" else first,
        )
    DeliveryFailure.objects.using("admin").update(first_failed_at=first)


def status(*args: str) -> str:
    out = StringIO()
    call_command("outbox_status", *args, stdout=out)
    return out.getvalue()


def test_the_json_status_counts_pending_rows_ages_and_failures_per_tenant() -> None:
    seed_pipeline()

    document = json.loads(status("--json"))

    outbox = document["outbox"]
    assert [(o["tenant"], o["pending"], o["publish_failures"]) for o in outbox] == [
        ("acme", 2, 1),
        ("(platform)", 1, 0),
    ]
    assert 5400 <= outbox[0]["oldest_age_seconds"] < 5460
    assert 5 <= outbox[1]["oldest_age_seconds"] < 65
    assert [
        (d["consumer"], d["tenant"], d["retrying"], d["failed"]) for d in document["deliveries"]
    ] == [("order-confirmation", "acme", 1, 1), ("sales", "acme", 0, 1)]


def test_the_table_names_every_tenant_and_consumer() -> None:
    seed_pipeline()

    text = status()

    assert "Outbox" in text
    assert "Deliveries" in text
    assert "1h30m" in text  # the oldest acme row's age
    for name in ("acme", "(platform)", "order-confirmation", "sales"):
        assert name in text


def test_an_empty_pipeline_says_so() -> None:
    OutboxMessage.objects.using("admin").all().delete()

    assert status().splitlines() == ["Outbox: nothing pending.", "Deliveries: no failures."]


def test_redeliver_gives_one_consumers_failed_deliveries_fresh_attempts_due_now() -> None:
    seed_pipeline()

    assert status("--redeliver", "--consumer", "order-confirmation").strip() == (
        "1 failed deliveries will be retried"
    )

    rows = DeliveryFailure.objects.using("admin").order_by("consumer", "attempts")
    assert [(r.consumer, r.status, r.attempts) for r in rows] == [
        ("order-confirmation", "retrying", 0),
        ("order-confirmation", "retrying", 2),
        ("sales", "failed", 5),
    ]
    revived = rows.get(consumer="order-confirmation", attempts=0)
    assert revived.next_attempt_at is not None
    assert revived.next_attempt_at <= timezone.now()


def test_consumer_without_redeliver_is_refused() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="go with --redeliver"):
        status("--consumer", "sales")


def test_redeliver_refuses_an_event_id_that_is_no_uuid() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="'abc' is not an event id"):
        status("--redeliver", "--event", "abc")
