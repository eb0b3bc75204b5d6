"""An in-memory unit of work that keeps the real one's promises without a database."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from copy import deepcopy
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.events import DomainEvent, EventEnvelope
from emporium.shared_kernel.messagebus import MessageBus
from emporium.shared_kernel.unit_of_work import TrackedAggregates

K = TypeVar("K")
V = TypeVar("V")


class FakeUnitOfWork:
    """Implement ``UnitOfWork``: ``outbox`` holds what committed, the bus runs on clean exit.

    Like the real one, ``commit()`` only stages: an exception later in the block discards the
    staged envelopes and dispatches nothing. The ``Table``s of its repositories are its
    transaction: their writes land when the block ends committed, before the bus runs.
    """

    def __init__(self, bus: MessageBus | None = None, tenant: str | None = None) -> None:
        self.bus = bus or MessageBus()
        self.tenant = tenant
        self.committed = False
        self.outbox: list[EventEnvelope] = []
        self._tracked = TrackedAggregates()
        self._staged: list[DomainEvent] = []
        self._tables: list[Table[Any, Any]] = []

    def enlist(self, table: Table[Any, Any]) -> None:
        """Make ``table``'s writes part of this unit of work's transaction."""
        self._tables.append(table)

    def __enter__(self) -> Self:
        self._tracked.clear()
        self._staged = []
        self.committed = False
        for table in self._tables:
            table.begin()
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
        for table in self._tables:
            table.commit()
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

    def stage(self, events: Iterable[DomainEvent]) -> None:
        """Stage events that a unit of work nested in this one's transaction committed."""
        self._staged.extend(events)

    def rollback(self) -> None:
        self._staged = []
        self.committed = False
        for table in self._tables:
            table.rollback()


def stored(value: V) -> V:
    """Return ``value`` as a row keeps it: a copy, and of an aggregate without its new events."""
    row = deepcopy(value)
    if isinstance(row, Aggregate):
        row.events = []  # events leave through the outbox, never with the row
    return row


class Table(Generic[K, V]):
    """Rows of one kind, kept as a database keeps them, in a fake unit of work's transaction.

    Rows go in and come out as copies, so only a write changes a row. A read sees the writes
    made before it in the same block; the writes reach ``rows`` when the unit of work ends
    committed and vanish when it rolls back, is left uncommitted or is left by an exception.
    """

    def __init__(self, uow: FakeUnitOfWork, rows: Mapping[K, V] | None = None) -> None:
        #: The committed rows; tests read them, use cases go through a repository.
        self.rows: dict[K, V] = {key: stored(value) for key, value in (rows or {}).items()}
        self._written: dict[K, V] = {}
        uow.enlist(self)

    def get(self, key: K) -> V | None:
        """Return a copy of the row under ``key``, or None."""
        row = self._written[key] if key in self._written else self.rows.get(key)
        return None if row is None else deepcopy(row)

    def put(self, key: K, value: V) -> None:
        """Write ``value`` under ``key`` (an insert or an update) in the current transaction."""
        self._written[key] = stored(value)

    def keys(self) -> list[K]:
        """Return the keys in insertion order, the current transaction's new ones last."""
        return [*self.rows, *(key for key in self._written if key not in self.rows)]

    def values(self) -> list[V]:
        """Return a copy of every row, in the order of ``keys``."""
        return [row for key in self.keys() if (row := self.get(key)) is not None]

    def begin(self) -> None:
        self._written = {}

    def commit(self) -> None:
        self.rows.update(self._written)
        self._written = {}

    def rollback(self) -> None:
        self._written = {}
