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


class DeliveryFailure(models.Model):
    """A consumer's failed handling of one event: its retry schedule, then its final record.

    While ``status`` is ``retrying`` the envelope waits here for ``next_attempt_at``; once the
    attempts are spent it stays ``failed`` for an operator (and, with a broker, a copy went to
    the dead-letter queue). A later success deletes the row. Like the inbox it spans tenants.
    """

    RETRYING = "retrying"
    FAILED = "failed"
    STATUSES = [(RETRYING, "retrying"), (FAILED, "failed")]

    consumer = models.CharField(max_length=100)
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    tenant = models.CharField(max_length=63, null=True, blank=True)  # noqa: DJ001
    # The JSON envelope as the broker carried it, so a retry needs neither broker nor outbox.
    envelope = models.TextField()
    status = models.CharField(max_length=10, choices=STATUSES, default=RETRYING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    first_failed_at = models.DateTimeField(auto_now_add=True)
    last_failed_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consumer", "event_id"], name="delivery_failure_consumer_event_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="retrying"),
                name="delivery_failure_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consumer} {self.event_type} {self.event_id} ({self.status})"
