"""The unit of work on Django's ORM: one ``atomic`` block, the outbox, dispatch on commit."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from functools import partial
from types import TracebackType
from typing import Any, Self

from django.conf import settings
from django.db import transaction

from emporium.infrastructure.messaging.relay import deliver_in_process
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.events import DomainEvent, EventEnvelope
from emporium.shared_kernel.messagebus import MessageBus
from emporium.shared_kernel.unit_of_work import TrackedAggregates

#: The tenant slug for the envelopes, or a callable that returns it at commit time.
TenantSource = str | Callable[[], str | None] | None


class DjangoUnitOfWork:
    """Implement the ``UnitOfWork`` port with ``transaction.atomic`` on database ``using``.

    Inside an outer transaction the block is a savepoint, and the handlers wait for the
    outermost commit: ``on_commit`` callbacks are tied to the transaction that really ends.
    """

    def __init__(self, bus: MessageBus, tenant: TenantSource = None, using: str = "default"):
        self.bus = bus
        # The tenancy layer passes a callable returning the current tenant's slug here.
        self._tenant = tenant
        self.using = using
        self._tracked = TrackedAggregates()
        self._atomic: transaction.Atomic | None = None
        self._committed = False

    def __enter__(self) -> Self:
        if self._atomic is not None:
            raise RuntimeError("this unit of work is already open")
        self._tracked.clear()
        self._committed = False
        self._atomic = transaction.atomic(using=self.using)
        self._atomic.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        atomic, self._atomic = self._require_open(), None
        if exc_type is None and not self._committed:
            transaction.set_rollback(True, using=self.using)
        self._tracked.clear()
        atomic.__exit__(exc_type, exc, traceback)

    def track(self, aggregate: Aggregate[Any]) -> None:
        """Remember ``aggregate`` so that its new events are stored and published on commit."""
        self._tracked.add(aggregate)

    def collect_new_events(self) -> Iterator[DomainEvent]:
        """Pull and yield the new events of every tracked aggregate, in tracking order."""
        return self._tracked.pull_events()

    def commit(self) -> None:
        """Write the new events to the outbox and dispatch them once the transaction commits."""
        self._require_open()
        events = list(self.collect_new_events())
        if events:
            self.bus.record_in_transaction(events, self.using)  # commits with them, or fails
            tenant = self._tenant() if callable(self._tenant) else self._tenant
            envelopes = [EventEnvelope.wrap(e, tenant) for e in events]
            rows = [OutboxMessage.from_envelope(envelope) for envelope in envelopes]
            OutboxMessage.objects.using(self.using).bulk_create(rows)
            # Handlers run in the context that committed (its tenant, its request id), even when
            # the outermost commit happens after that context was left. robust: whatever a
            # handler does, the caller's commit has happened and stands.
            context = contextvars.copy_context()
            dispatch = partial(context.run, self._after_commit, events, envelopes)
            transaction.on_commit(dispatch, using=self.using, robust=True)
        self._committed = True

    def _after_commit(self, events: list[DomainEvent], envelopes: list[EventEnvelope]) -> None:
        self.bus.handle(events)
        # Without a broker no relay and no consumer process runs: deliver here what the relay
        # would publish, so the embedded default behaves like production.
        if not settings.CELERY_BROKER_URL:
            deliver_in_process(envelopes, using=self.using)

    def rollback(self) -> None:
        """Mark the transaction for rollback; nothing it wrote or scheduled survives."""
        self._require_open()
        self._committed = False
        transaction.set_rollback(True, using=self.using)

    def _require_open(self) -> transaction.Atomic:
        if self._atomic is None:
            raise RuntimeError("use the unit of work inside 'with uow:'")
        return self._atomic
