"""The outbox relay: send unpublished rows oldest first; mark each only once it was taken."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from shipments.models import OutboxMessage
from shipments.publishers import Publisher

logger = logging.getLogger(__name__)

_ERROR_LIMIT = 2000


@dataclass
class RelayPass:
    """What one pass did: rows sent, and whether it stopped on a failure."""

    published: int = 0
    failed: bool = False


def relay_batch(publisher: Publisher, limit: int = 100) -> RelayPass:
    """Send up to ``limit`` of the oldest unpublished rows; stop at the first failure.

    On PostgreSQL the rows are claimed ``FOR UPDATE SKIP LOCKED``, so relays running at once send
    distinct rows; a row committed late with an older ``created_at`` is simply found by a later
    pass (nothing relies on "newer than the last one sent"). SQLite has one writer at a time and
    the consumer needs it, so there the rows are read without a lock and marked after sending,
    which can at worst send a row twice: receivers deduplicate on the envelope id.
    """
    unpublished = OutboxMessage.objects.filter(published_at__isnull=True).order_by(
        "created_at", "id"
    )
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            rows = list(unpublished.select_for_update(skip_locked=True)[:limit])
            return _publish(publisher, rows)
    return _publish(publisher, list(unpublished[:limit]))


def _publish(publisher: Publisher, rows: list[OutboxMessage]) -> RelayPass:
    outcome = RelayPass()
    for row in rows:
        try:
            publisher.publish(row.to_envelope())
        except Exception as error:  # noqa: BLE001  (kept on the row; the next pass retries)
            reason = f"{type(error).__name__}: {error}"[:_ERROR_LIMIT]
            OutboxMessage.objects.filter(id=row.id).update(
                attempts=F("attempts") + 1, last_error=reason
            )
            logger.warning(
                "Sending %s %s failed (attempt %d): %s", row.type, row.id, row.attempts + 1, reason
            )
            outcome.failed = True
            # Later rows wait: sending them now would put them ahead of this one.
            break
        OutboxMessage.objects.filter(id=row.id).update(published_at=timezone.now())
        outcome.published += 1
    return outcome
