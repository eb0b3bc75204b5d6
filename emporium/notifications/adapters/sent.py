"""What notifications were sent: the inbox entries of the notification consumers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from emporium.infrastructure.http.fields import timestamp
from emporium.infrastructure.messaging.models import InboxMessage
from emporium.multitenancy.context import require_tenant

#: Each notification consumer and what it sends.
NOTIFICATIONS = {
    "welcome-email": "e-mail",
    "welcome-push": "push",
    "order-confirmation": "e-mail",
    "payment-receipt": "e-mail",
    "refund-notice": "e-mail",
}


def notifications_sent(event_ids: Iterable[UUID]) -> list[dict[str, Any]]:
    """Return the notifications the current shop sent for ``event_ids``, oldest first.

    Their text is not kept: each says which notification, over which channel, for which event.
    """
    entries = InboxMessage.objects.filter(
        tenant=require_tenant().slug, consumer__in=NOTIFICATIONS, event_id__in=list(event_ids)
    ).order_by("processed_at", "id")
    return [
        {
            "notification": entry.consumer,
            "channel": NOTIFICATIONS[entry.consumer],
            "event_type": entry.event_type,
            "event_id": str(entry.event_id),
            "sent_at": timestamp(entry.processed_at),
        }
        for entry in entries
    ]
