"""The order event store read as integration events, for consumers that replay it."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from django.db.models import QuerySet

from emporium.multitenancy.context import require_tenant
from emporium.ordering import models as rows
from emporium.ordering.adapters.event_store import CHUNK_SIZE, to_envelope
from emporium.shared_kernel.events import EventEnvelope


def _events(types: Collection[str]) -> QuerySet[rows.OrderEvent]:
    return rows.OrderEvent.objects.filter(type__in=list(types))


def order_history(types: Collection[str], chunk_size: int = CHUNK_SIZE) -> Iterator[EventEnvelope]:
    """Yield the current tenant's stored order events of ``types`` in the order they happened.

    One query, so on PostgreSQL one snapshot: an event committed while it streams is left out.
    """
    tenant = require_tenant().slug
    # order_id and version break ties between events of one instant, the same way every time.
    ordered = _events(types).order_by("occurred_at", "order_id", "version")
    for row in ordered.iterator(chunk_size=chunk_size):
        yield to_envelope(row, tenant)


def order_history_size(types: Collection[str]) -> int:
    """Return how many stored order events of ``types`` the current tenant has."""
    return _events(types).count()
