"""Idempotent consumption: each (consumer, event id) has its effects once, however often sent."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction

from shipments.commands import Command, read_command
from shipments.envelope import Envelope
from shipments.handlers import handle
from shipments.models import InboxMessage

#: The consumer name of both doors, the broker queue and the push endpoint: one inbox.
CONSUMER = "fulfilment"


def apply_envelope(
    envelope: Envelope, consumer: str = CONSUMER, handler: Callable[[Command], None] = handle
) -> bool:
    """Apply ``envelope`` unless ``consumer`` already has; return whether it ran now.

    Raises UnknownEventType or InvalidPayload before any transaction starts. The inbox row is
    inserted first in the envelope's transaction: a concurrent delivery of the same event waits
    on the unique key and then skips, and a handler that raises takes the row back with it.
    """
    command = read_command(envelope)
    with transaction.atomic():
        try:
            with transaction.atomic():
                InboxMessage.objects.create(
                    consumer=consumer,
                    event_id=envelope.id,
                    event_type=envelope.type,
                    tenant=envelope.tenant,
                )
        except IntegrityError:
            return False
        handler(command)
    return True
