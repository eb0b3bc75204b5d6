"""Retries of failed consumer work: backoff scheduled in the database, then a recorded failure.

One mechanism serves both delivery modes. A consumer whose handler raises records the failure
(the envelope, the attempt, the error) and lets go of the message; ``retry_due`` runs the
handler again once its backoff has passed; when the attempts are spent the row stays
``failed`` for an operator and, with a broker, a copy goes to the dead-letter queue.
Nothing is dropped silently, and the inbox still makes every success happen once.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from emporium.infrastructure.messaging.inbox import ConsumerRegistry, EnvelopeHandler, consume_once
from emporium.infrastructure.messaging.models import DeliveryFailure
from emporium.shared_kernel.events import EventEnvelope

logger = logging.getLogger(__name__)

_ERROR_LIMIT = 2000
#: How long a claimed retry is hidden from other runners; a runner that dies frees it then.
RETRY_LEASE = timedelta(minutes=5)


class PartnerUnavailable(Exception):
    """A consumer's partner (another service) is away: retry after the backoff, spending no
    attempt, so work that waits for a partner's return is never given up on for its absence.
    """


@dataclass(frozen=True)
class RetryPolicy:
    """How often a consumer's work is tried, and how long it waits between tries."""

    attempts: int = 5
    backoff: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(hours=1)

    def delay(self, attempt: int) -> timedelta:
        """Return the wait after the ``attempt``-th failure: doubling from ``backoff``."""
        return min(self.cap, self.backoff * (1 << min(attempt - 1, 30)))

    @classmethod
    def from_settings(cls) -> RetryPolicy:
        """Return the policy of ``EMPORIUM_DELIVERY_ATTEMPTS`` and ``..._BACKOFF_SECONDS``."""
        return cls(
            attempts=settings.EMPORIUM_DELIVERY_ATTEMPTS,
            backoff=timedelta(seconds=settings.EMPORIUM_DELIVERY_BACKOFF_SECONDS),
        )


class DeadLetters(Protocol):
    """Where the envelope of a finally failed delivery is copied for operators."""

    def dead_letter(self, envelope: EventEnvelope, consumer: str, reason: str) -> None:
        """Hand over ``envelope`` that ``consumer`` gave up on; raise if it cannot."""
        ...


def describe(error: BaseException) -> str:
    """Return the error as it is stored: its type and message, bounded."""
    return f"{type(error).__name__}: {error}"[:_ERROR_LIMIT]


def record_failure(
    consumer: str,
    envelope: EventEnvelope,
    error: BaseException,
    policy: RetryPolicy,
    dead_letters: DeadLetters | None = None,
    using: str = "default",
) -> DeliveryFailure:
    """Count a failed attempt of ``consumer`` on ``envelope`` and schedule the next, or give up.

    Runs in a transaction of its own (the failed work's has rolled back). Giving up keeps the
    row as ``failed`` and copies the envelope to ``dead_letters``; if that copy cannot be made
    the row still says so.
    """
    reason = describe(error)
    spend = not isinstance(error, PartnerUnavailable)
    row = _count_attempt(consumer, envelope, reason, policy, using, spend=spend)
    extra = {"event_id": str(envelope.id), "event_type": envelope.type, "consumer": consumer}
    if row.status == DeliveryFailure.RETRYING:
        logger.warning(
            "Consumer %s failed on %s %s (attempt %d of %d), retrying at %s: %s",
            consumer,
            envelope.type,
            envelope.id,
            row.attempts,
            policy.attempts,
            row.next_attempt_at.isoformat() if row.next_attempt_at else "-",
            reason,
            extra=extra,
        )
        return row
    logger.error(
        "Consumer %s gave up on %s %s after %d attempts: %s",
        consumer,
        envelope.type,
        envelope.id,
        row.attempts,
        reason,
        extra=extra,
    )
    if dead_letters is not None:
        try:
            dead_letters.dead_letter(envelope, consumer, reason)
        except Exception:  # the failed row is the record; the copy is for the broker's tools
            logger.exception("Dead-lettering %s for %s failed", envelope.id, consumer, extra=extra)
    return row


def _count_attempt(
    consumer: str,
    envelope: EventEnvelope,
    reason: str,
    policy: RetryPolicy,
    using: str,
    spend: bool = True,
) -> DeliveryFailure:
    """Store one more failed attempt: ``retrying`` with its next time, or ``failed``.

    An attempt not ``spend`` (the partner was away) is retried after the backoff of the attempts
    so far, and never makes the row ``failed``.
    """
    now = timezone.now()
    with transaction.atomic(using=using):
        row, _ = (
            DeliveryFailure.objects.using(using)
            .select_for_update()
            .get_or_create(
                consumer=consumer,
                event_id=envelope.id,
                defaults={
                    "event_type": envelope.type,
                    "tenant": envelope.tenant,
                    "envelope": envelope.to_json().decode(),
                    "last_failed_at": now,
                },
            )
        )
        if row.status == DeliveryFailure.FAILED:
            # Delivered again after giving up (an operator moved it back from the dead letters,
            # or a relay republished it): a fresh set of attempts, not an instant second death.
            row.attempts = 0
        if spend:
            row.attempts += 1
        row.last_error = reason
        row.last_failed_at = now
        final = spend and row.attempts >= policy.attempts
        row.status = DeliveryFailure.FAILED if final else DeliveryFailure.RETRYING
        row.next_attempt_at = None if final else now + policy.delay(max(row.attempts, 1))
        row.save()
    return row


def consume_or_record(
    consumer: str,
    envelope: EventEnvelope,
    handler: EnvelopeHandler,
    policy: RetryPolicy,
    dead_letters: DeadLetters | None = None,
    using: str = "default",
) -> bool:
    """Run ``consume_once``; if the handler fails, log it and record it for a retry.

    Return whether the work went through (or had already). Raise only when even the failure
    could not be recorded: the caller must then keep the event (requeue it, keep its row).
    """
    try:
        consume_once(consumer, envelope, handler, using=using)
    except Exception as error:
        logger.exception(
            "Consumer %s failed on %s %s",
            consumer,
            envelope.type,
            envelope.id,
            extra={"event_id": str(envelope.id), "event_type": envelope.type},
        )
        record_failure(consumer, envelope, error, policy, dead_letters, using=using)
        return False
    return True


@dataclass
class RetryOutcome:
    """What one ``retry_due`` pass did."""

    succeeded: int = 0
    failed: int = 0

    @property
    def tried(self) -> int:
        """Return how many retries ran."""
        return self.succeeded + self.failed


def clear_failure(consumer: str, event_id: UUID, using: str = "default") -> None:
    """Forget a recorded failure of ``consumer`` on ``event_id``: its work has now succeeded."""
    DeliveryFailure.objects.using(using).filter(consumer=consumer, event_id=event_id).delete()


def retry_due(
    registry: ConsumerRegistry,
    policy: RetryPolicy,
    consumers: Collection[str] | None = None,
    dead_letters: DeadLetters | None = None,
    limit: int = 100,
    using: str = "default",
) -> RetryOutcome:
    """Run again the failed deliveries whose backoff has passed (of ``consumers``, or all).

    Each row is claimed by moving its next attempt a lease ahead (compare-and-set), so runners
    in several processes never run the same retry at once. A success deletes the row; a
    failure counts an attempt. Work already done (a broker redelivery got through meanwhile)
    is skipped by the inbox, and the row goes too.
    """
    outcome = RetryOutcome()
    now = timezone.now()
    due = DeliveryFailure.objects.using(using).filter(
        status=DeliveryFailure.RETRYING, next_attempt_at__lte=now
    )
    if consumers is not None:
        due = due.filter(consumer__in=list(consumers))
    for row in due.order_by("next_attempt_at")[:limit]:
        claimed = (
            DeliveryFailure.objects.using(using)
            .filter(pk=row.pk, status=DeliveryFailure.RETRYING, next_attempt_at=row.next_attempt_at)
            .update(next_attempt_at=timezone.now() + RETRY_LEASE)
        )
        if not claimed:
            continue
        envelope = EventEnvelope.from_json(row.envelope)
        handler = registry.handler_for(row.consumer, row.event_type)
        try:
            if handler is None:
                raise LookupError(f"no consumer {row.consumer!r} handles {row.event_type}")
            consume_once(row.consumer, envelope, handler, using=using)
        except Exception as error:  # noqa: BLE001  (recorded: the next attempt or the record)
            record_failure(row.consumer, envelope, error, policy, dead_letters, using=using)
            outcome.failed += 1
            continue
        DeliveryFailure.objects.using(using).filter(pk=row.pk).delete()
        outcome.succeeded += 1
    return outcome
