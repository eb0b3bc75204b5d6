"""Celery tasks of the shared infrastructure: the outbox relay, retention, key purges."""

from __future__ import annotations

from celery import shared_task

from emporium.infrastructure.http.idempotency import purge_idempotency_records
from emporium.infrastructure.messaging.publisher import default_publisher
from emporium.infrastructure.messaging.relay import relay_batch
from emporium.infrastructure.retention import apply_retention


@shared_task(name="infrastructure.relay_outbox")
def relay_outbox(limit: int = 500) -> int:
    """Publish one batch of the outbox; return how many events the broker confirmed."""
    publisher = default_publisher()
    try:
        return relay_batch(publisher, limit=limit)
    finally:
        publisher.close()


@shared_task(name="infrastructure.apply_retention")
def retention() -> dict[str, int]:
    """Delete what is past its retention (audit entries, failed deliveries, inbox, published
    outbox; ``EMPORIUM_RETENTION_DAYS``) across tenants; return how many rows of each."""
    return apply_retention()


@shared_task(name="infrastructure.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Delete idempotency keys older than 24 hours, across tenants; return how many."""
    return purge_idempotency_records()
