"""Django signals for in-process observers of domain events, sent robustly after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.dispatch import Signal

from emporium.shared_kernel.events import DomainEvent

logger = logging.getLogger(__name__)


def forward_to(signal: Signal, sender: object) -> Callable[[DomainEvent], None]:
    """Return a bus handler that sends ``signal`` with the event, logging failing receivers.

    Registered on the message bus, it runs after the commit that produced the event; one
    receiver that raises affects neither the others nor the request.
    """

    def send(event: DomainEvent) -> None:
        for receiver, result in signal.send_robust(sender=sender, event=event):
            if isinstance(result, Exception):
                logger.error(
                    "receiver %s failed on %s %s: %r",
                    getattr(receiver, "__qualname__", receiver),
                    event.type,
                    event.event_id,
                    result,
                    extra={"event_id": str(event.event_id), "event_type": event.type},
                )

    return send
