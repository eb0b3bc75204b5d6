"""The simulated carrier: ships due pending shipments and later marks them delivered."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from shipments import rules
from shipments.commands import SHIPMENT_DISPATCHED
from shipments.envelope import Envelope, rfc3339
from shipments.models import OutboxMessage, Shipment, ShipmentEvent
from shipments.rules import ShipmentStatus


def _claim(rows: QuerySet[Shipment]) -> QuerySet[Shipment]:
    # On PostgreSQL concurrent shippers take distinct rows. SQLite has no row locks: there the
    # IMMEDIATE transaction holds the database's one write lock from its first statement.
    if connection.features.has_select_for_update_skip_locked:
        return rows.select_for_update(skip_locked=True)
    return rows


def ship_due(now: datetime | None = None, limit: int = 50) -> int:
    """Ship up to ``limit`` pending shipments whose time has come; return how many.

    Each shipment gets a tracking number, a "shipped" step and, in the same transaction, the
    outbox row of ``fulfilment.shipment_dispatched``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = _claim(
            Shipment.objects.filter(
                status=ShipmentStatus.PENDING.value, ship_after__lte=now
            ).order_by("ship_after", "id")
        )[:limit]
        shipments = list(due)
        for shipment in shipments:
            _ship(shipment, now)
    return len(shipments)


def _ship(shipment: Shipment, now: datetime) -> None:
    shipment.status = ShipmentStatus.SHIPPED.value
    shipment.carrier = rules.CARRIER
    shipment.tracking_number = rules.new_tracking_number()
    shipment.shipped_at = now
    shipment.save(update_fields=["status", "carrier", "tracking_number", "shipped_at"])
    ShipmentEvent.objects.create(
        shipment=shipment,
        status=ShipmentStatus.SHIPPED.value,
        occurred_at=now,
        description=f"Handed to {rules.CARRIER}, tracking number {shipment.tracking_number}",
    )
    OutboxMessage.from_envelope(dispatched_envelope(shipment)).save(force_insert=True)


def dispatched_envelope(shipment: Shipment) -> Envelope:
    """Return the ``fulfilment.shipment_dispatched`` envelope of a shipped shipment."""
    assert shipment.shipped_at is not None
    return Envelope(
        id=uuid.uuid4(),
        type=SHIPMENT_DISPATCHED,
        occurred_at=shipment.shipped_at,
        tenant=shipment.tenant,
        aggregate_id=str(shipment.order_id),
        # The order's stream is Emporium's; the service's event is version 1 of its own fact.
        aggregate_version=1,
        payload={
            "order_id": str(shipment.order_id),
            "carrier": shipment.carrier,
            "tracking_number": shipment.tracking_number,
            "shipped_at": rfc3339(shipment.shipped_at),
        },
    )


def deliver_due(now: datetime | None = None, limit: int = 200) -> int:
    """Mark delivered the shipments shipped long enough ago; return how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.FULFILMENT_DELIVER_AFTER_SECONDS)
    with transaction.atomic():
        arrived = list(
            _claim(
                Shipment.objects.filter(
                    status=ShipmentStatus.SHIPPED.value, shipped_at__lte=cutoff
                ).order_by("shipped_at", "id")
            )[:limit]
        )
        for shipment in arrived:
            shipment.status = ShipmentStatus.DELIVERED.value
            shipment.delivered_at = now
            shipment.save(update_fields=["status", "delivered_at"])
            ShipmentEvent.objects.create(
                shipment=shipment,
                status=ShipmentStatus.DELIVERED.value,
                occurred_at=now,
                description="Delivered",
            )
    return len(arrived)
