"""What operators ask of the event pipeline: what waits in the outbox, what failed where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import Count, Min, Q
from django.utils import timezone

from emporium.infrastructure.messaging.models import DeliveryFailure
from emporium.infrastructure.outbox.models import OutboxMessage

#: How the status names the events and failures of no tenant.
PLATFORM = "(platform)"


@dataclass(frozen=True)
class PendingEvents:
    """A tenant's unpublished outbox rows: how many, the oldest's age, how many failed to send."""

    tenant: str
    pending: int
    oldest_age: timedelta
    publish_failures: int


@dataclass(frozen=True)
class FailedDeliveries:
    """A consumer's deliveries of one tenant that are waiting for a retry or have failed."""

    consumer: str
    tenant: str
    retrying: int
    failed: int
    oldest_failure: datetime


def pending_events(using: str = "admin") -> list[PendingEvents]:
    """Return the unpublished outbox rows per tenant, the longest waiting first."""
    now = timezone.now()
    rows = (
        OutboxMessage.objects.using(using)
        .filter(published_at__isnull=True)
        .values("tenant")
        .annotate(
            pending=Count("id"),
            oldest=Min("created_at"),
            publish_failures=Count("id", filter=Q(attempts__gt=0)),
        )
    )
    found = [
        PendingEvents(
            tenant=row["tenant"] or PLATFORM,
            pending=row["pending"],
            oldest_age=max(now - row["oldest"], timedelta(0)),
            publish_failures=row["publish_failures"],
        )
        for row in rows
    ]
    return sorted(found, key=lambda item: (-item.oldest_age, item.tenant))


def failed_deliveries(using: str = "admin") -> list[FailedDeliveries]:
    """Return the consumers' retrying and failed deliveries per consumer and tenant."""
    rows = (
        DeliveryFailure.objects.using(using)
        .values("consumer", "tenant")
        .annotate(
            retrying=Count("id", filter=Q(status=DeliveryFailure.RETRYING)),
            failed=Count("id", filter=Q(status=DeliveryFailure.FAILED)),
            oldest=Min("first_failed_at"),
        )
    )
    found = [
        FailedDeliveries(
            consumer=row["consumer"],
            tenant=row["tenant"] or PLATFORM,
            retrying=row["retrying"],
            failed=row["failed"],
            oldest_failure=row["oldest"],
        )
        for row in rows
    ]
    return sorted(found, key=lambda item: (item.consumer, item.tenant))


def redeliver_failed(
    consumer: str | None = None, event_id: str | None = None, using: str = "admin"
) -> int:
    """Give failed deliveries (of ``consumer``, or one event) a fresh set of attempts, due now.

    For an operator who fixed the cause: the retry runners pick them up at their next pass.
    """
    failed = DeliveryFailure.objects.using(using).filter(status=DeliveryFailure.FAILED)
    if consumer is not None:
        failed = failed.filter(consumer=consumer)
    if event_id is not None:
        try:
            failed = failed.filter(event_id=UUID(event_id))
        except ValueError as error:
            raise ValueError(f"{event_id!r} is not an event id (a UUID)") from error
    return failed.update(
        status=DeliveryFailure.RETRYING, attempts=0, next_attempt_at=timezone.now()
    )
