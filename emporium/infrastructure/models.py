"""Models of the shared infrastructure app, each defined in its own package."""

from emporium.infrastructure.http.models import IdempotencyRecord
from emporium.infrastructure.messaging.models import DeliveryFailure, InboxMessage
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.infrastructure.projections.models import ProjectionState

__all__ = [
    "DeliveryFailure",
    "IdempotencyRecord",
    "InboxMessage",
    "OutboxMessage",
    "ProjectionState",
]
