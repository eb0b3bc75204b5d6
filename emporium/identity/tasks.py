"""Celery tasks of identity: the periodic purge of expired idempotency keys."""

from __future__ import annotations

from celery import shared_task

from emporium.infrastructure.http.idempotency import purge_idempotency_records


@shared_task(name="identity.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Delete idempotency keys older than 24 hours, across tenants; return how many."""
    return purge_idempotency_records()
