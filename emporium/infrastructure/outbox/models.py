"""The outbox table: one row per domain event, written in the transaction that caused it."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from emporium.shared_kernel.events import EventEnvelope


class OutboxMessage(models.Model):
    """An event waiting for (or done with) the relay that publishes it to the broker.

    The primary key is the event id, so an event can be stored once only and consumers
    deduplicate on the same id the broker message carries.
    """

    id = models.UUIDField(primary_key=True, editable=False)
    type = models.CharField(max_length=100)
    # A slug rather than a foreign key: platform events have no tenant, and the relay works
    # across tenants. NULL (a platform event) is not the same as an empty slug.
    tenant = models.CharField(max_length=63, null=True, blank=True)  # noqa: DJ001
    aggregate_id = models.CharField(max_length=128)
    aggregate_version = models.PositiveIntegerField()
    occurred_at = models.DateTimeField()
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            # The relay claims the oldest unpublished rows (FOR UPDATE SKIP LOCKED); it works
            # across tenants, so unlike tenant-owned hot indexes this one does not lead with
            # the tenant. Published rows stay out of it however many pile up.
            models.Index(
                fields=["created_at"],
                condition=Q(published_at__isnull=True),
                name="outbox_unpublished_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"

    @classmethod
    def from_envelope(cls, envelope: EventEnvelope) -> OutboxMessage:
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

    def to_envelope(self) -> EventEnvelope:
        """Return the envelope this row stores, as the relay publishes it."""
        return EventEnvelope(
            id=self.id,
            type=self.type,
            occurred_at=self.occurred_at,
            tenant=self.tenant,
            aggregate_id=self.aggregate_id,
            aggregate_version=self.aggregate_version,
            payload=self.payload,
        )
