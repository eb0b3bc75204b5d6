"""Models of the shared infrastructure app, each defined in its own package."""

from emporium.infrastructure.messaging.models import InboxMessage
from emporium.infrastructure.outbox.models import OutboxMessage

__all__ = ["InboxMessage", "OutboxMessage"]
