"""Pruning: sent outbox rows and old inbox rows are deleted, in small batches.

Kept are outbox rows not yet sent (``published_at`` null), given-up ones (``failed_at`` set,
waiting for ``manage.py resend_outbox``), sent rows younger than
``FULFILMENT_OUTBOX_RETENTION_HOURS``, and inbox rows younger than
``FULFILMENT_INBOX_RETENTION_HOURS``. The inbox window is the long one on purpose: an inbox row
is what makes a redelivery a duplicate, so it must outlive any redelivery of its envelope.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from shipments.models import InboxMessage, OutboxMessage

logger = logging.getLogger(__name__)

#: Ids per DELETE: each statement is its own short transaction, so a large backlog is deleted
#: a little at a time and never holds its locks for long.
BATCH_SIZE = 1000
#: Seconds between two prunes of the background loops.
PRUNE_INTERVAL = 3600.0


@dataclass(frozen=True)
class Pruned:
    """Rows deleted (or, for a dry run, that would be)."""

    outbox: int
    inbox: int


def outbox_cutoff(now: datetime) -> datetime:
    """Return the time before which a sent outbox row is pruned."""
    return now - timedelta(hours=settings.FULFILMENT_OUTBOX_RETENTION_HOURS)


def inbox_cutoff(now: datetime) -> datetime:
    """Return the time before which an inbox row is pruned."""
    return now - timedelta(hours=settings.FULFILMENT_INBOX_RETENTION_HOURS)


def prunable_outbox(now: datetime) -> QuerySet[OutboxMessage]:
    """Return the outbox rows sent before the window: never unsent or given-up ones."""
    return OutboxMessage.objects.filter(
        published_at__isnull=False,
        published_at__lt=outbox_cutoff(now),
        failed_at__isnull=True,
    )


def prunable_inbox(now: datetime) -> QuerySet[InboxMessage]:
    """Return the inbox rows received before the window."""
    return InboxMessage.objects.filter(received_at__lt=inbox_cutoff(now))


def _delete_in_batches(rows: QuerySet, order: str, batch_size: int) -> int:
    """Delete ``rows`` ``batch_size`` ids per statement, oldest first; return how many."""
    deleted = 0
    while True:
        ids = list(rows.order_by(order).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        # The filter again: a row that changed since it was read is not deleted.
        count, _ = rows.filter(pk__in=ids).delete()
        deleted += count
        if len(ids) < batch_size:
            return deleted


def prune(
    now: datetime | None = None, batch_size: int = BATCH_SIZE, dry_run: bool = False
) -> Pruned:
    """Delete the outbox and inbox rows past their windows; return the counts."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    now = now or timezone.now()
    outbox, inbox = prunable_outbox(now), prunable_inbox(now)
    if dry_run:
        return Pruned(outbox=outbox.count(), inbox=inbox.count())
    return Pruned(
        outbox=_delete_in_batches(outbox, "published_at", batch_size),
        inbox=_delete_in_batches(inbox, "received_at", batch_size),
    )


class PeriodicPrune:
    """Prune from a background loop, at most once per ``interval`` seconds (the first call runs).

    A plain timestamp check: the loop calls it on every pass and it returns at once until the
    interval has gone by. A failed prune is logged and waits for the next interval too.
    """

    def __init__(
        self, interval: float = PRUNE_INTERVAL, clock: Callable[[], float] = time.monotonic
    ):
        self.interval = interval
        self.clock = clock
        self.last: float | None = None

    def __call__(self) -> Pruned | None:
        """Prune when the interval has gone by; return the counts, or None when it did not run."""
        now = self.clock()
        if self.last is not None and now - self.last < self.interval:
            return None
        self.last = now
        try:
            pruned = prune()
        except Exception:
            logger.exception("Pruning failed; next try in %.0f s", self.interval)
            return None
        if pruned.outbox or pruned.inbox:
            logger.info("Pruned %d outbox row(s) and %d inbox row(s)", pruned.outbox, pruned.inbox)
        return pruned
