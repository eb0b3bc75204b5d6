"""The process's message bus; each context's ``AppConfig.ready`` registers its handlers on it."""

from __future__ import annotations

from emporium.shared_kernel.messagebus import MessageBus

_bus = MessageBus()


def message_bus() -> MessageBus:
    """Return the process-wide in-process message bus."""
    return _bus
