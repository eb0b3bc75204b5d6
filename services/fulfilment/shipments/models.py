"""Rows: shipments and their tracking history, the inbox and the outbox."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shipments.envelope import Envelope
from shipments.rules import ShipmentStatus


class Shipment(models.Model):
    """One order of one tenant on its way from the warehouse to the customer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    tenant = models.CharField(max_length=63)
    order_id = models.UUIDField()
    customer_id = models.CharField(max_length=64)
    ship_name = models.CharField(max_length=200, blank=True)
    ship_line1 = models.CharField(max_length=200, blank=True)
    ship_line2 = models.CharField(max_length=200, blank=True)
    ship_city = models.CharField(max_length=200, blank=True)
    ship_postal_code = models.CharField(max_length=200, blank=True)
    ship_country = models.CharField(max_length=2, blank=True)
    lines = models.JSONField(default=list)
    status = models.CharField(
        max_length=16,
        choices=[(status.value, status.value) for status in ShipmentStatus],
        default=ShipmentStatus.PENDING.value,
    )
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=40, null=True, blank=True, unique=True)
    ship_after = models.DateTimeField()
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "order_id"], name="shipment_tenant_order"),
        ]
        indexes = [
            models.Index(fields=["status", "ship_after"], name="shipment_status_due"),
            models.Index(fields=["tenant", "customer_id"], name="shipment_tenant_customer"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant}/{self.order_id} ({self.status})"

    @property
    def address(self) -> dict[str, str]:
        """Return the shipping address as Emporium writes it."""
        return {
            "name": self.ship_name,
            "line1": self.ship_line1,
            "line2": self.ship_line2,
            "city": self.ship_city,
            "postal_code": self.ship_postal_code,
            "country": self.ship_country,
        }


class ErasedCustomer(models.Model):
    """A customer of a tenant whose erasure was applied: a request of theirs that arrives later
    (events overtake each other) gets a shipment without their name and street address."""

    tenant = models.CharField(max_length=63)
    customer_id = models.CharField(max_length=64)
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "customer_id"], name="erased_customer_tenant_customer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant}/{self.customer_id} (erased)"


class ShipmentEvent(models.Model):
    """One step of a shipment's tracking history."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=16)
    occurred_at = models.DateTimeField(default=timezone.now)
    description = models.CharField(max_length=200)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.status} at {self.occurred_at}"


class InboxMessage(models.Model):
    """An envelope a consumer has applied: its side effects happened once."""

    consumer = models.CharField(max_length=100)
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    # None: a platform event, which belongs to no tenant (the envelope's own null).
    tenant = models.CharField(max_length=63, null=True, blank=True)  # noqa: DJ001
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consumer", "event_id"], name="inbox_consumer_event"),
        ]
        indexes = [
            models.Index(fields=["tenant"], name="inbox_tenant"),
            # For pruning (shipments.pruning): the oldest rows first, without a scan.
            models.Index(fields=["received_at"], name="inbox_received"),
        ]

    def __str__(self) -> str:
        return f"{self.consumer}: {self.event_type} {self.event_id}"


class OutboxMessage(models.Model):
    """An envelope written with the change it reports, waiting for the relay to send it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=100)
    tenant = models.CharField(max_length=63, null=True, blank=True)  # noqa: DJ001  (as above)
    aggregate_id = models.CharField(max_length=64)
    aggregate_version = models.PositiveIntegerField()
    occurred_at = models.DateTimeField()
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    #: When the receiver refused the row for good (``last_error`` says why); the relay leaves it
    #: until an operator sends it again (``manage.py resend_outbox``).
    failed_at = models.DateTimeField(null=True, blank=True)
    #: Until when a relay holds the row while it sends it; other relays skip it until then.
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(published_at__isnull=True, failed_at__isnull=True),
                name="outbox_pending",
            ),
            # For pruning (shipments.pruning): only the sent rows.
            models.Index(
                fields=["published_at"],
                condition=Q(published_at__isnull=False),
                name="outbox_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"

    @classmethod
    def from_envelope(cls, envelope: Envelope) -> OutboxMessage:
        """Return an unsaved row holding ``envelope``."""
        return cls(
            id=envelope.id,
            type=envelope.type,
            tenant=envelope.tenant,
            aggregate_id=envelope.aggregate_id,
            aggregate_version=envelope.aggregate_version,
            occurred_at=envelope.occurred_at,
            payload=envelope.payload,
        )

    def to_envelope(self) -> Envelope:
        """Return the envelope this row holds."""
        return Envelope(
            id=self.id,
            type=self.type,
            occurred_at=self.occurred_at,
            tenant=self.tenant,
            aggregate_id=self.aggregate_id,
            aggregate_version=self.aggregate_version,
            payload=self.payload,
        )
