"""The order event store on the ORM: streams by order, positions by tenant, versions checked."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from django.db import IntegrityError, connections
from django.db.models import QuerySet

from emporium.infrastructure.projections.ports import PositionedEvent
from emporium.multitenancy.context import require_tenant
from emporium.ordering import models as rows
from emporium.ordering.domain.stream import UPCASTERS, decode
from emporium.shared_kernel.errors import ConcurrentUpdate
from emporium.shared_kernel.events import DomainEvent, EventEnvelope


def domain_event(row: rows.OrderEvent) -> DomainEvent:
    """Return the event a row stores, in the event's current shape."""
    return decode(
        row.type,
        row.schema_version,
        row.payload,
        aggregate_id=str(row.order_id),
        aggregate_version=row.version,
        event_id=row.id,
        occurred_at=row.occurred_at,
    )


def to_envelope(row: rows.OrderEvent, tenant: str) -> EventEnvelope:
    """Return the envelope of a stored event, its payload upcast to the current shape."""
    return EventEnvelope(
        id=row.id,
        type=row.type,
        occurred_at=row.occurred_at,
        tenant=tenant,
        aggregate_id=str(row.order_id),
        aggregate_version=row.version,
        payload=UPCASTERS.upcast(row.type, row.schema_version, row.payload),
    )


class DjangoOrderEventStore:
    """The current tenant's order streams; call the writers inside a transaction."""

    def __init__(self, using: str = "default") -> None:
        self.using = using

    def _events(self) -> QuerySet[rows.OrderEvent]:
        return rows.OrderEvent.objects.db_manager(self.using).all()

    def load(self, order_id: UUID) -> list[DomainEvent]:
        """Return the order's events, oldest first (an empty list for no such order)."""
        found = self._events().filter(order_id=order_id).order_by("version")
        return [domain_event(row) for row in found]

    def append(self, order_id: UUID, expected_version: int, events: Sequence[DomainEvent]) -> None:
        """Store ``events`` as versions ``expected_version + 1 ...`` of the order's stream.

        Raise ``ConcurrentUpdate`` when another writer stored one of those versions first. Takes
        the tenant's stream head until the transaction ends: append after every row lock.
        """
        if not events:
            return
        for offset, event in enumerate(events, start=1):
            if event.aggregate_version != expected_version + offset:
                raise ValueError(
                    f"event {event.event_id} has version {event.aggregate_version}, "
                    f"not {expected_version + offset}"
                )
        last = self._advance_head(len(events))
        first = last - len(events) + 1
        stored = [
            rows.OrderEvent(
                id=event.event_id,
                order_id=order_id,
                version=event.aggregate_version,
                position=first + index,
                type=event.type,
                schema_version=event.schema_version,
                occurred_at=event.occurred_at,
                payload=event.payload(),
            )
            for index, event in enumerate(events)
        ]
        try:
            # No savepoint (two round trips per order): the caller's transaction is over anyway.
            rows.OrderEvent.objects.db_manager(self.using).bulk_create(stored)
        except IntegrityError as exc:
            raise ConcurrentUpdate(
                f"Order {order_id} was changed by another request; try again."
            ) from exc

    def _advance_head(self, count: int) -> int:
        """Add ``count`` to the tenant's head, lock it until commit and return the new head."""
        table = rows.OrderStreamHead._meta.db_table
        connection = connections[self.using]
        if not connection.in_atomic_block:
            raise RuntimeError("append order events inside a transaction")
        # The tenant key as the backend stores a UUID (a hex string on SQLite).
        key = rows.OrderStreamHead._meta.get_field("tenant").target_field
        tenant_id = key.get_db_prep_value(require_tenant().id, connection)
        with connection.cursor() as cursor:
            # One statement on PostgreSQL and SQLite: the first append of a tenant makes its row.
            cursor.execute(
                f"INSERT INTO {table} (tenant_id, position) VALUES (%s, %s) "  # noqa: S608
                f"ON CONFLICT (tenant_id) DO UPDATE SET position = {table}.position + "
                "excluded.position RETURNING position",
                [tenant_id, count],
            )
            (head,) = cursor.fetchone()
        return int(head)

    def head(self) -> int:
        """Return the last committed position of the current tenant (0 before any event)."""
        found = rows.OrderStreamHead.objects.db_manager(self.using).values_list(
            "position", flat=True
        )
        return int(found.first() or 0)

    def read_after(self, position: int, limit: int) -> list[PositionedEvent]:
        """Return up to ``limit`` events of the current tenant after ``position``, in order."""
        tenant = require_tenant().slug
        found = self._events().filter(position__gt=position).order_by("position")[:limit]
        return [PositionedEvent(row.position, to_envelope(row, tenant)) for row in found]

    def latest(self, types: Sequence[str], limit: int) -> list[EventEnvelope]:
        """Return the current tenant's last ``limit`` events of ``types``, newest first."""
        tenant = require_tenant().slug
        found = self._events().filter(type__in=list(types)).order_by("-position")[:limit]
        return [to_envelope(row, tenant) for row in found]
