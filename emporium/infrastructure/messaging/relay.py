"""The outbox relay: publish unpublished outbox rows, oldest first, and mark them once confirmed."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from uuid import UUID

from django.db import connections, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from emporium.infrastructure.messaging.publisher import InProcessPublisher, Publisher
from emporium.infrastructure.messaging.retries import RetryOutcome, retry_due
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.shared_kernel.events import EventEnvelope

logger = logging.getLogger(__name__)

#: The owner's connection: the relay works across tenants.
RELAY_DATABASE = "admin"
_ERROR_LIMIT = 2000
#: Without a broker, due retries are run at most this often (seconds), after a delivery.
IN_PROCESS_RETRY_INTERVAL = 5.0
#: ... and at most this many of them, so a request never carries a backlog of retries.
IN_PROCESS_RETRY_LIMIT = 5
_last_in_process_retry = 0.0


def _unpublished(using: str) -> QuerySet[OutboxMessage]:
    return (
        OutboxMessage.objects.using(using)
        .filter(published_at__isnull=True)
        .order_by("created_at", "aggregate_version")
    )


def relay_batch(publisher: Publisher, limit: int = 500, using: str = RELAY_DATABASE) -> int:
    """Publish up to ``limit`` of the oldest unpublished events; return how many were confirmed.

    On PostgreSQL the rows are claimed with ``FOR UPDATE SKIP LOCKED`` in one transaction, so
    relays running at once take distinct rows, and a row committed late (a lower created_at than
    rows already sent) is simply found by the next batch: nothing relies on "newer than the last".
    A row is marked published only after ``publish`` returned (the broker confirmed). The first
    failure counts an attempt on that row, keeps its error, and ends the batch so order is kept.

    A database without SKIP LOCKED (SQLite, the embedded default) has one writer at a time and
    the in-process consumers need that writer: there the rows are read without a lock and marked
    after publishing, which can only ever deliver twice (consumers deduplicate on the id).
    """
    if connections[using].features.has_select_for_update_skip_locked:
        with transaction.atomic(using=using):
            rows = list(_unpublished(using).select_for_update(skip_locked=True)[:limit])
            return _publish(publisher, rows, using)
    return _publish(publisher, list(_unpublished(using)[:limit]), using)


def _publish(publisher: Publisher, rows: list[OutboxMessage], using: str) -> int:
    confirmed: list[UUID] = []
    failed: tuple[OutboxMessage, Exception] | None = None
    for row in rows:
        try:
            publisher.publish(row.to_envelope())
        except Exception as error:  # noqa: BLE001  (recorded on the row; the next batch retries)
            failed = (row, error)
            break
        confirmed.append(row.id)
    if confirmed:
        OutboxMessage.objects.using(using).filter(id__in=confirmed).update(
            published_at=timezone.now()
        )
    if failed is not None:
        row, exc = failed
        reason = f"{type(exc).__name__}: {exc}"[:_ERROR_LIMIT]
        OutboxMessage.objects.using(using).filter(id=row.id).update(
            attempts=F("attempts") + 1, last_error=reason
        )
        logger.warning(
            "Publishing %s %s failed (attempt %d): %s",
            row.type,
            row.id,
            row.attempts + 1,
            reason,
            extra={"event_id": str(row.id), "event_type": row.type},
        )
    return len(confirmed)


def deliver_in_process(envelopes: list[EventEnvelope], using: str = "default") -> int:
    """Hand just-committed envelopes to the in-process consumers; return how many were delivered.

    Each envelope is tried on its own, so one failing consumer delays no other event; a failure
    stays on its row (unpublished, attempts counted) for ``relay_outbox`` to retry.
    """
    publisher = InProcessPublisher(using=using)
    delivered = 0
    for envelope in envelopes:
        try:
            publisher.publish(envelope)
        except Exception as error:  # noqa: BLE001  (logged by the publisher, kept on the row)
            reason = f"{type(error).__name__}: {error}"[:_ERROR_LIMIT]
            OutboxMessage.objects.using(using).filter(id=envelope.id).update(
                attempts=F("attempts") + 1, last_error=reason
            )
            continue
        OutboxMessage.objects.using(using).filter(id=envelope.id).update(
            published_at=timezone.now()
        )
        delivered += 1
    _retry_in_process_now_and_then(publisher, using)
    return delivered


def retry_in_process(using: str = "default") -> RetryOutcome:
    """Without a broker: run every in-process consumer's due retries; return what happened."""
    publisher = InProcessPublisher(using=using)
    return retry_due(publisher.registry, publisher.policy, using=using)


def _retry_in_process_now_and_then(publisher: InProcessPublisher, using: str) -> None:
    # No consumer process runs beside an embedded deployment: the requests that deliver events
    # also run the retries that are due, one indexed query every few seconds at most.
    global _last_in_process_retry
    now = time.monotonic()
    if now - _last_in_process_retry < IN_PROCESS_RETRY_INTERVAL:
        return
    _last_in_process_retry = now
    try:
        retry_due(publisher.registry, publisher.policy, limit=IN_PROCESS_RETRY_LIMIT, using=using)
    except Exception:  # the request's own work has committed and stands
        logger.exception("Running the due consumer retries failed")


def prune_published(older_than: timedelta, using: str = RELAY_DATABASE) -> int:
    """Delete the rows published more than ``older_than`` ago; return how many."""
    cutoff = timezone.now() - older_than
    deleted, _ = (
        OutboxMessage.objects.using(using)
        .filter(published_at__isnull=False, published_at__lt=cutoff)
        .delete()
    )
    return deleted
