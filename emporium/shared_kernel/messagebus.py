"""The in-process message bus: domain events to the handlers registered for their class."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from emporium.shared_kernel.events import DomainEvent

logger = logging.getLogger(__name__)

E = TypeVar("E", bound=DomainEvent)
Handler = Callable[[Any], None]
InTransactionHandler = Callable[[Any, str], None]


class MessageBus:
    """Call every handler registered for an event's exact class, in registration order.

    A handler is ``handler(event)``; bootstrap code binds whatever else it needs (a unit of
    work, an e-mail port) with ``functools.partial``. Handlers run after the commit that
    produced the event, in the committing thread, so they see the caller's context (its
    tenant, its request id). They get the event, not its envelope: the envelope's extras are
    the tenant, which is that context, and the JSON form, which only other processes need.

    A handler that raises is logged and skipped: the others still run and the caller, whose
    transaction has already committed, never sees the error. The event stays in the outbox for
    the broker's consumers either way.
    """

    def __init__(self) -> None:
        self._handlers: defaultdict[type[DomainEvent], list[Handler]] = defaultdict(list)
        self._in_transaction: defaultdict[type[DomainEvent], list[InTransactionHandler]] = (
            defaultdict(list)
        )

    def register(self, event_cls: type[E], handler: Callable[[E], None]) -> None:
        """Call ``handler`` for every event of class ``event_cls`` (subclasses excluded).

        A handler equal to one already registered for the class is not added again, so an app
        whose ``ready()`` runs twice does not get its events twice.
        """
        handlers = self._handlers[event_cls]
        if handler not in handlers:
            handlers.append(handler)

    def register_in_transaction(
        self, event_cls: type[E], handler: Callable[[E, str], None]
    ) -> None:
        """Call ``handler(event, using)`` inside the transaction that produces the event, on
        its database alias ``using``, before it commits: for what must commit with the act or
        not at all (an audit entry). Unlike the others, such a handler's error is the caller's:
        it propagates and the transaction rolls back."""
        handlers = self._in_transaction[event_cls]
        if handler not in handlers:
            handlers.append(handler)

    def record_in_transaction(self, events: Iterable[DomainEvent], using: str) -> None:
        """Call each event's in-transaction handlers, in order; their errors propagate."""
        for event in events:
            for handler in list(self._in_transaction.get(event.__class__, ())):
                handler(event, using)

    def handlers_for(self, event_cls: type[DomainEvent]) -> list[Handler]:
        """Return the handlers registered for ``event_cls``, in registration order."""
        return list(self._handlers.get(event_cls, ()))

    def handle(self, events: Iterable[DomainEvent]) -> None:
        """Dispatch each event, in order, to each of its handlers; never raise."""
        for event in events:
            for handler in self.handlers_for(event.__class__):
                self._call(handler, event)

    @staticmethod
    def _call(handler: Handler, event: DomainEvent) -> None:
        try:
            handler(event)
        except Exception:
            logger.exception(
                "Event handler %s failed on %s %s",
                getattr(handler, "__qualname__", repr(handler)),
                event.type,
                event.event_id,
                extra={"event_id": str(event.event_id), "event_type": event.type},
            )
