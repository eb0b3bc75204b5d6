"""The unit-of-work port: one atomic change, and the events it publishes once it holds."""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType
from typing import Any, Protocol, Self

from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.events import DomainEvent


class UnitOfWork(Protocol):
    """A transaction that use cases open with ``with uow:`` and end with ``uow.commit()``.

    Repositories call ``track`` for every aggregate they load or add. ``commit`` stores the
    tracked aggregates' new events (the outbox) in the same transaction and hands them to the
    message bus only once the transaction has committed. Leaving the block without
    ``commit()``, or through an exception, rolls everything back and publishes nothing.
    """

    def __enter__(self) -> Self:
        """Begin the transaction."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """End the transaction: keep it if committed cleanly, else roll it back."""
        ...

    def track(self, aggregate: Aggregate[Any]) -> None:
        """Remember ``aggregate`` so that its new events are collected on commit."""
        ...

    def collect_new_events(self) -> Iterator[DomainEvent]:
        """Pull and yield the new events of every tracked aggregate, in tracking order."""
        ...

    def commit(self) -> None:
        """Store the new events with the changes and publish them after the commit."""
        ...

    def rollback(self) -> None:
        """Discard the changes and the events of this unit of work."""
        ...


class TrackedAggregates:
    """The aggregates a unit of work has seen, each once, compared by identity."""

    def __init__(self) -> None:
        # Keyed by id(): aggregates that are eq-dataclasses are unhashable.
        self._seen: dict[int, Aggregate[Any]] = {}

    def add(self, aggregate: Aggregate[Any]) -> None:
        """Remember ``aggregate`` unless it is already there."""
        self._seen.setdefault(id(aggregate), aggregate)

    def clear(self) -> None:
        """Forget every aggregate."""
        self._seen.clear()

    def pull_events(self) -> Iterator[DomainEvent]:
        """Pull and yield the new events of every aggregate, in the order they were added."""
        for aggregate in self._seen.values():
            yield from aggregate.pull_events()
