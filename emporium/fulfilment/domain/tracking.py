"""A shipment as the fulfilment service reports it: where an order's parcel is."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

#: The statuses the service's contract names (ADR 0018); a later one is passed on as it comes.
SHIPMENT_STATUSES = ("pending", "shipped", "delivered", "cancelled")


@dataclass(frozen=True)
class TrackingEvent:
    """One step of a shipment's journey."""

    status: str
    occurred_at: datetime
    description: str


@dataclass(frozen=True)
class Tracking:
    """The live state of an order's shipment; carrier and number are None until it ships."""

    status: str
    carrier: str | None
    tracking_number: str | None
    shipped_at: datetime | None
    events: tuple[TrackingEvent, ...] = field(default=())
