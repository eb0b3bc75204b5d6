"""The shipment's rules in plain Python: statuses, what may follow what, and the carrier's marks."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from enum import StrEnum

#: The simulated carrier's name, as events and the API show it.
CARRIER = "Parcelforce Sim"
#: Address fields that identify a person; erasure blanks them and keeps the country.
PERSONAL_ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postal_code")


class ShipmentStatus(StrEnum):
    """Where a shipment is: waiting in the warehouse, with the carrier, delivered or stopped."""

    PENDING = "pending"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


def ship_after(requested_at: datetime, delay_seconds: float) -> datetime:
    """Return when a shipment requested at ``requested_at`` may leave the warehouse."""
    return requested_at + timedelta(seconds=delay_seconds)


def refund_cancels(status: ShipmentStatus, fully: bool) -> bool:
    """Return whether a refund stops the shipment: only a full one, and only before dispatch."""
    return fully and status is ShipmentStatus.PENDING


def new_tracking_number() -> str:
    """Return a fresh tracking number: ``PF``, 12 hex digits of randomness, ``GB``."""
    # 48 random bits: a clash is vanishingly rare, and the unique column refuses it anyway.
    return f"PF{secrets.token_hex(6).upper()}GB"
