"""The aggregate base: a consistency boundary that records the events of its changes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from emporium.shared_kernel.events import DomainEvent

IdT = TypeVar("IdT")
E = TypeVar("E", bound=DomainEvent)


@dataclass(kw_only=True, eq=False)
class Aggregate(Generic[IdT]):
    """Base of every aggregate root.

    ``version`` counts the events the aggregate has ever recorded, so the n-th event of an
    aggregate carries ``aggregate_version`` n: the version after its change. A repository that
    loads an aggregate restores ``version`` from its row; the stream starts again at n + 1.
    """

    id: IdT
    version: int = 0
    # Events recorded since the last pull; not state, so never part of repr.
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    def record(self, event_factory: Callable[..., E], /, **fields: Any) -> E:
        """Bump the version and append the event ``event_factory(**fields)`` built for it.

        ``event_factory`` is usually the event class; the aggregate supplies ``aggregate_id``
        and ``aggregate_version`` so no caller can get them wrong.
        """
        event = event_factory(
            aggregate_id=str(self.id), aggregate_version=self.version + 1, **fields
        )
        self.version = event.aggregate_version
        self.events.append(event)
        return event

    def pull_events(self) -> list[DomainEvent]:
        """Return the recorded events, oldest first, and forget them."""
        events, self.events = self.events, []
        return events
