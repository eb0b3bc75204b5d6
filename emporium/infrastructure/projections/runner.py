"""Keep projections current, rebuild them beside the live ones, and wait for one to catch up.

A projection's view rows and its tracking row (``ProjectionState``) change in one transaction,
under the tracking row's lock: a crash applies a batch wholly or not at all, and two runners of
one tenant's projection take turns. Positions are gap-free and visible in commit order (the
event source guarantees it), so "every event after my position" never skips one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from emporium.infrastructure.projections.models import ProjectionState
from emporium.infrastructure.projections.ports import EventSource, PositionedEvent, Projection
from emporium.multitenancy.context import current_tenant_slug

logger = logging.getLogger(__name__)

#: Events applied per transaction by the live runner, and by a rebuild.
BATCH = 500
REBUILD_BATCH = 2000

#: Called with the position replayed so far and the head it replays to.
Progress = Callable[[int, int], None]


class UnknownProjection(LookupError):
    """No projection of that name is registered."""


class RebuildSuperseded(RuntimeError):
    """Another rebuild of the same projection started after this one; this one stands down."""


@dataclass(frozen=True)
class Registered:
    """A projection and the events it reads."""

    projection: Projection
    source: EventSource

    @property
    def name(self) -> str:
        """Return the projection's name."""
        return self.projection.name


class ProjectionRegistry:
    """The projections of this process, by name (each app registers its own in ``ready``)."""

    def __init__(self) -> None:
        self._by_name: dict[str, Registered] = {}

    def register(self, projection: Projection, source: EventSource) -> Registered:
        """Keep ``projection`` current from ``source``; a second registration replaces the first."""
        entry = Registered(projection, source)
        self._by_name[projection.name] = entry
        return entry

    def get(self, name: str) -> Registered:
        """Return the projection called ``name``; raise UnknownProjection otherwise."""
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(sorted(self._by_name)) or "none"
            raise UnknownProjection(f"no projection {name!r} (known: {known})") from None

    def all(self) -> list[Registered]:
        """Return every registered projection, by name."""
        return [self._by_name[name] for name in sorted(self._by_name)]

    def event_types(self) -> frozenset[str]:
        """Return every event type some projection applies."""
        return frozenset(
            t for entry in self._by_name.values() for t in entry.projection.event_types
        )


_registry = ProjectionRegistry()


def projection_registry() -> ProjectionRegistry:
    """Return the process-wide projection registry."""
    return _registry


def _locked_state(name: str, using: str) -> ProjectionState:
    states = ProjectionState.objects.db_manager(using)
    # Insert-or-nothing, then lock: the first runners of a new projection do not both insert.
    states.bulk_create([ProjectionState(name=name)], ignore_conflicts=True)
    state: ProjectionState = states.select_for_update().get(name=name)
    return state


def _apply(projection: Projection, events: Sequence[PositionedEvent], generation: int) -> None:
    wanted = projection.event_types
    relevant = [event for event in events if event.envelope.type in wanted]
    if relevant:
        projection.apply(relevant, generation)


def catch_up(entry: Registered, *, batch: int = BATCH, using: str = "default") -> int:
    """Apply to the current tenant's live rows every event after the position; return how many.

    Each batch is one transaction with the tracking row; call it inside the tenant's context.
    """
    read = 0
    while True:
        with transaction.atomic(using=using):
            state = _locked_state(entry.name, using)
            events = entry.source.read_after(state.position, batch)
            if not events:
                return read
            _apply(entry.projection, events, state.generation)
            state.position = events[-1].position
            state.save(using=using, update_fields=["position", "updated_at"])
        read += len(events)


def catch_up_all(using: str = "default") -> int:
    """Bring every registered projection of the current tenant up to date; return events read.

    A projection that fails is logged and stays at the event it failed on (its batch rolled
    back to a savepoint); the others still catch up, and the next catch-up tries it again.
    """
    total = 0
    for entry in _registry.all():
        try:
            total += catch_up(entry, using=using)
        except Exception:
            logger.exception(
                "Catching up projection %s of tenant %s failed", entry.name, current_tenant_slug()
            )
    return total


def replay_into(
    entry: Registered,
    generation: int,
    *,
    progress: Progress | None = None,
    batch: int = REBUILD_BATCH,
    using: str = "default",
) -> tuple[int, int]:
    """Apply the current tenant's events from position 0 to the rows of ``generation``.

    Return how many events were read and the position of the last one (0 and 0 before any).
    Each batch is a transaction of its own. Neither the tracking row nor any other generation
    is touched: ``rebuild`` replays into its fresh generation with it, and a check can replay
    into a scratch generation, compare its rows with the live ones, then ``drop`` it.
    """
    position = replayed = 0
    with transaction.atomic(using=using):  # outside one, row-level security hides the head
        head = entry.source.head()
    if progress:
        progress(0, head)
    while True:
        with transaction.atomic(using=using):
            events = entry.source.read_after(position, batch)
            if not events:
                return replayed, position
            _apply(entry.projection, events, generation)
        position = events[-1].position
        replayed += len(events)
        if progress:
            progress(position, max(head, position))


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild replayed and where it left the projection."""

    name: str
    events: int
    position: int
    generation: int


def rebuild(
    entry: Registered,
    *,
    progress: Progress | None = None,
    batch: int = REBUILD_BATCH,
    using: str = "default",
) -> Rebuilt:
    """Replay the current tenant's events from position 0 into fresh rows, then swap them in.

    The replay runs in batches of its own while the live runner goes on; only the swap holds
    the tracking row, applying what came in since and making the fresh rows the live ones.
    """
    projection = entry.projection
    with transaction.atomic(using=using):
        state = _locked_state(entry.name, using)
        abandoned = state.rebuilding
        fresh = max(state.generation, abandoned or 0) + 1
        state.rebuilding = fresh
        state.save(using=using, update_fields=["rebuilding", "updated_at"])
        if abandoned is not None:
            projection.drop(abandoned)  # a rebuild that crashed, or one this one supersedes
    replayed, position = replay_into(entry, fresh, progress=progress, batch=batch, using=using)
    with transaction.atomic(using=using):
        state = _locked_state(entry.name, using)
        superseded = state.rebuilding != fresh
        if superseded:
            # The later rebuild dropped this generation when it began, but the batches replayed
            # since are still there, and no later rebuild knows this generation: drop them here.
            projection.drop(fresh)
        else:
            # The live runner waits on the lock now: what committed since the replay goes in.
            while events := entry.source.read_after(position, batch):
                _apply(projection, events, fresh)
                position = events[-1].position
                replayed += len(events)
            old = state.generation
            state.generation, state.position, state.rebuilding = fresh, position, None
            state.save(
                using=using, update_fields=["generation", "position", "rebuilding", "updated_at"]
            )
            projection.drop(old)
    if superseded:
        raise RebuildSuperseded(f"a later rebuild of {entry.name} took over")
    if progress:
        progress(position, position)
    return Rebuilt(entry.name, replayed, position, fresh)


def live_generation(name: str) -> Coalesce:
    """Return the live generation of projection ``name`` as a subquery of the reading query.

    Used in the same statement as the view rows, so that a swap never shows a read half of
    each generation. A projection that never ran reads generation 1.
    """
    states = ProjectionState.objects.filter(name=name, tenant=OuterRef("tenant"))
    return Coalesce(Subquery(states.values("generation")[:1]), Value(1))


def position_of(name: str, using: str = "default") -> int:
    """Return how far projection ``name`` of the current tenant has applied events."""
    found = ProjectionState.objects.db_manager(using).filter(name=name)
    return int(found.values_list("position", flat=True).first() or 0)


def wait_for_all(
    names: Sequence[str],
    position: int,
    timeout: float,
    *,
    using: str = "default",
    poll: float = 0.02,
) -> tuple[bool, dict[str, int]]:
    """Wait until every projection of ``names`` has applied ``position`` (False after
    ``timeout``); also return their live generations as last read, one statement a poll.
    """
    deadline = time.monotonic() + timeout
    while True:
        found = ProjectionState.objects.db_manager(using).filter(name__in=names)
        states = {
            name: (int(at), int(gen))
            for name, at, gen in found.values_list("name", "position", "generation")
        }
        generations = {name: states.get(name, (0, 1))[1] for name in names}
        if all(states.get(name, (0, 1))[0] >= position for name in names):
            return True, generations
        if time.monotonic() >= deadline:
            return False, generations
        time.sleep(poll)


def wait_for(
    name: str,
    position: int,
    timeout: float,
    *,
    using: str = "default",
    poll: float = 0.02,
) -> bool:
    """Wait until projection ``name`` has applied ``position``; return False after ``timeout``."""
    deadline = time.monotonic() + timeout
    while position_of(name, using) < position:
        if time.monotonic() >= deadline:
            return False
        time.sleep(poll)
    return True
