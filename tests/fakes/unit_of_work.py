"""An in-memory unit of work that keeps the real one's promises without a database."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Any, Self

from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.events import DomainEvent, EventEnvelope
from emporium.shared_kernel.messagebus import MessageBus
from emporium.shared_kernel.unit_of_work import TrackedAggregates


class FakeUnitOfWork:
    """Implement ``UnitOfWork``: ``outbox`` holds what committed, the bus runs on clean exit.

    Like the real one, ``commit()`` only stages: an exception later in the block discards the
    staged envelopes and dispatches nothing.
    """

    def __init__(self, bus: MessageBus | None = None, tenant: str | None = None) -> None:
        self.bus = bus or MessageBus()
        self.tenant = tenant
        self.committed = False
        self.outbox: list[EventEnvelope] = []
        self._tracked = TrackedAggregates()
        self._staged: list[DomainEvent] = []

    def __enter__(self) -> Self:
        self._tracked.clear()
        self._staged = []
        self.committed = False
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._tracked.clear()
        if exc_type is not None or not self.committed:
            self.rollback()
            return
        events, self._staged = self._staged, []
        self.outbox.extend(EventEnvelope.wrap(event, self.tenant) for event in events)
        self.bus.handle(events)

    def track(self, aggregate: Aggregate[Any]) -> None:
        self._tracked.add(aggregate)

    def collect_new_events(self) -> Iterator[DomainEvent]:
        return self._tracked.pull_events()

    def commit(self) -> None:
        self._staged.extend(self.collect_new_events())
        self.committed = True

    def rollback(self) -> None:
        self._staged = []
        self.committed = False
