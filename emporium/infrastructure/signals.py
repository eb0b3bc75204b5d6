"""Django signals for in-process observers of domain events, sent robustly after commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.dispatch import Signal

from emporium.shared_kernel.events import DomainEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignalForwarder:
    """A bus handler that sends ``signal`` with the event, logging failing receivers.

    Registered on the message bus, it runs after the commit that produced the event; one
    receiver that raises affects neither the others nor the request. Two forwarders of the same
    signal and sender are equal, so registering one again (a second ``ready()``) adds nothing.
    """

    signal: Signal
    sender: object

    def __call__(self, event: DomainEvent) -> None:
        for receiver, result in self.signal.send_robust(sender=self.sender, event=event):
            if isinstance(result, Exception):
                logger.error(
                    "receiver %s failed on %s %s: %r",
                    getattr(receiver, "__qualname__", receiver),
                    event.type,
                    event.event_id,
                    result,
                    extra={"event_id": str(event.event_id), "event_type": event.type},
                )


def forward_to(signal: Signal, sender: object) -> Callable[[DomainEvent], None]:
    """Return the bus handler that sends ``signal`` from ``sender`` with each event."""
    return SignalForwarder(signal, sender)
