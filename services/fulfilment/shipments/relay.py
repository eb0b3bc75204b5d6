"""The outbox relay: send pending rows oldest first; mark each only once it was taken."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from shipments.models import OutboxMessage
from shipments.publishers import Publisher, PublishRefused

logger = logging.getLogger(__name__)

_ERROR_LIMIT = 2000
#: Rows claimed at once: a few, so that a relay that stops holds few rows from the others.
CLAIM_SIZE = 10
#: How long a claim keeps other relays off its rows: longer than a batch takes to send
#: (HTTP: 2 s a row; broker: 10 s confirm timeout), so they do not normally send it too.
CLAIM_LEASE = timedelta(minutes=5)


@dataclass
class RelayPass:
    """What one pass did: rows sent, rows given up, and whether it stopped on a failure."""

    published: int = 0
    failed: bool = False
    given_up: int = 0


def relay_batch(publisher: Publisher, limit: int = 100) -> RelayPass:
    """Send up to ``limit`` of the oldest pending rows; stop at the first failure that may pass.

    No network call is made while a transaction is open: a short transaction claims a few rows
    (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, then ``claimed_until`` set), the rows are sent
    with no transaction open, and each outcome is written in its own statement. This is still
    at-least-once: a row is marked sent only after the receiver took it, and a relay that dies
    mid-batch leaves its claim to expire. A row can be sent twice (two relays, when a claim
    expires while its relay is still sending it; or a crash between sending and marking):
    receivers deduplicate on the envelope id, so that is acceptable.

    A failure that may pass (network, timeout, 401/408/429, 5xx, broker) stops the pass and
    releases the rest of the claim: later rows wait, so the order is kept. A row the receiver
    refuses for good (PublishRefused) is given up (``failed_at``) and the pass goes on: one such
    row must not block every later dispatch of every tenant.
    """
    outcome = RelayPass()
    while (done := outcome.published + outcome.given_up) < limit:
        rows, claim = _claim(min(CLAIM_SIZE, limit - done))
        if not rows:
            break
        _publish(publisher, rows, claim, outcome)
        if outcome.failed or len(rows) < CLAIM_SIZE:
            break
    return outcome


def _claim(size: int) -> tuple[list[OutboxMessage], datetime]:
    """Claim up to ``size`` of the oldest pending rows no live claim holds; return them and
    the claim's expiry (which also tells this claim from a later one)."""
    now = timezone.now()
    claim = now + CLAIM_LEASE
    pending = (
        OutboxMessage.objects.filter(published_at__isnull=True, failed_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .order_by("created_at", "id")
    )
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        rows = list(pending[:size])
        if rows:
            OutboxMessage.objects.filter(id__in=[row.id for row in rows]).update(
                claimed_until=claim
            )
    return rows, claim


def _publish(
    publisher: Publisher, rows: list[OutboxMessage], claim: datetime, outcome: RelayPass
) -> None:
    for index, row in enumerate(rows):
        ours = OutboxMessage.objects.filter(id=row.id, claimed_until=claim)
        try:
            publisher.publish(row.to_envelope())
        except PublishRefused as error:
            reason = _reason(error)
            ours.update(
                attempts=F("attempts") + 1,
                last_error=reason,
                failed_at=timezone.now(),
                claimed_until=None,
            )
            logger.error(
                "The receiver refused %s %s for good; given up (manage.py resend_outbox %s "
                "sends it again): %s",
                row.type,
                row.id,
                row.id,
                reason,
                extra={"outbox_id": str(row.id), "event_type": row.type},
            )
            outcome.given_up += 1
            continue
        except Exception as error:  # noqa: BLE001  (kept on the row; the next pass retries)
            reason = _reason(error)
            ours.update(attempts=F("attempts") + 1, last_error=reason, claimed_until=None)
            logger.warning(
                "Sending %s %s failed (attempt %d): %s", row.type, row.id, row.attempts + 1, reason
            )
            outcome.failed = True
            # Later rows wait: sending them now would put them ahead of this one.
            rest = [later.id for later in rows[index + 1 :]]
            OutboxMessage.objects.filter(id__in=rest, claimed_until=claim).update(
                claimed_until=None
            )
            return
        # Marked even if the claim expired meanwhile: the row was sent, whoever holds it now.
        OutboxMessage.objects.filter(id=row.id).update(
            published_at=timezone.now(), claimed_until=None
        )
        outcome.published += 1


def _reason(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:_ERROR_LIMIT]
