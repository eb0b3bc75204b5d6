"""The inbox table: one row per (consumer, event) handled, written with the consumer's effects."""

from __future__ import annotations

from django.db import models


class InboxMessage(models.Model):
    """An event a consumer has handled; its unique key turns a redelivery into a no-op.

    Written in the transaction of the consumer's side effects, so either both exist or neither
    does. Like the outbox it belongs to no tenant's rows: consumers work across tenants.
    """

    consumer = models.CharField(max_length=100)
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    # The envelope's tenant slug; NULL for a platform event.
    tenant = models.CharField(max_length=63, null=True, blank=True)  # noqa: DJ001
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consumer", "event_id"], name="inbox_consumer_event_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} {self.event_type} {self.event_id}"
