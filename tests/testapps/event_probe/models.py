"""The probe consumers' side effect: one row per handling of an event."""

from django.db import models


class ProbeEffect(models.Model):
    """One handling of one event by one consumer.

    Deliberately without a unique key on (consumer, event_id): a second effect of the same
    event must show up as a second row, not be hidden by the database.
    """

    consumer = models.CharField(max_length=100)
    event_id = models.UUIDField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.consumer} {self.event_id}"
