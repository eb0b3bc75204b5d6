"""Celery tasks of the shared infrastructure: the outbox relay, its retention, key purges."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task

from emporium.infrastructure.http.idempotency import purge_idempotency_records
from emporium.infrastructure.messaging.publisher import default_publisher
from emporium.infrastructure.messaging.relay import prune_published, relay_batch

#: How long published outbox rows are kept (for operators and replays) before pruning.
OUTBOX_RETENTION = timedelta(days=7)


@shared_task(name="infrastructure.relay_outbox")
def relay_outbox(limit: int = 500) -> int:
    """Publish one batch of the outbox; return how many events the broker confirmed."""
    publisher = default_publisher()
    try:
        return relay_batch(publisher, limit=limit)
    finally:
        publisher.close()


@shared_task(name="infrastructure.prune_outbox")
def prune_outbox(days: int = OUTBOX_RETENTION.days) -> int:
    """Delete outbox rows published more than ``days`` ago; return how many."""
    return prune_published(timedelta(days=days))


@shared_task(name="infrastructure.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Delete idempotency keys older than 24 hours, across tenants; return how many."""
    return purge_idempotency_records()
