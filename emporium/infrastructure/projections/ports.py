"""What a projection is, and what it reads: a tenant's events by gap-free position."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from emporium.shared_kernel.events import EventEnvelope


@dataclass(frozen=True)
class PositionedEvent:
    """A stored event with its position among the tenant's events (1, 2, 3 ... by commit)."""

    position: int
    envelope: EventEnvelope


class EventSource(Protocol):
    """The current tenant's stored events; only committed ones, never one behind a later one."""

    def read_after(self, position: int, limit: int) -> list[PositionedEvent]:
        """Return up to ``limit`` events after ``position``, in position order."""
        ...

    def head(self) -> int:
        """Return the position of the tenant's last committed event (0 before any)."""
        ...


class Projection(Protocol):
    """A read model kept from events: its name, the types it reads, how it applies them."""

    @property
    def name(self) -> str:
        """Return the name commands and tracking rows know the projection by."""
        ...

    @property
    def event_types(self) -> frozenset[str]:
        """Return the event types the projection applies; it never sees the others."""
        ...

    def apply(self, events: Sequence[PositionedEvent], generation: int) -> None:
        """Write what ``events`` change to the rows of ``generation`` (caller's transaction)."""
        ...

    def drop(self, generation: int) -> None:
        """Delete the current tenant's rows of ``generation``."""
        ...
