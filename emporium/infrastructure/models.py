"""Models of the shared infrastructure app, each defined in its own package."""

from emporium.infrastructure.outbox.models import OutboxMessage

__all__ = ["OutboxMessage"]
