"""Check every order's snapshot (its row and lines) against the order its stream folds to.

The stream is the order's truth; the row is written beside it in the same transaction. A
difference is a bug (or a hand-made UPDATE) that lists, the admin and the locks would act on.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from uuid import UUID

from django.db import transaction
from django.db.models import QuerySet

from emporium.ordering import models as rows
from emporium.ordering.adapters.event_store import domain_event
from emporium.ordering.adapters.repository import to_domain
from emporium.ordering.domain.order import Order, OrderState
from emporium.shared_kernel.errors import DomainError

#: Orders (with their lines) or events fetched per round trip.
CHUNK_SIZE = 500
#: The amounts the row stores besides what its lines and tax rate compute.
STORED_AMOUNTS = ("subtotal", "tax", "total")

Snapshot = tuple[rows.Order, list[rows.OrderLine]]
#: Called with the orders compared so far and how many rows there are.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Difference:
    """An order whose snapshot disagrees with its stream: ``field: stream != snapshot`` each."""

    order_id: UUID
    fields: tuple[str, ...]


@dataclass
class Verification:
    """What one tenant's verification found."""

    orders: int = 0
    differences: list[Difference] = field(default_factory=list)


def _snapshots(using: str) -> Iterator[tuple[UUID, Snapshot]]:
    """Yield every order row with its lines, by id: a query for rows and one for lines a chunk."""
    after: UUID | None = None
    while True:
        page = rows.Order.objects.db_manager(using).order_by("id").prefetch_related("lines")
        if after is not None:
            page = page.filter(id__gt=after)
        chunk = list(page[:CHUNK_SIZE])
        for row in chunk:
            yield row.id, (row, list(row.lines.all()))
        if len(chunk) < CHUNK_SIZE:
            return
        after = chunk[-1].id


def _events(using: str) -> Iterator[rows.OrderEvent]:
    """Yield every stored event ordered by (order_id, version), a chunk per query."""
    after: tuple[UUID, int] | None = None
    while True:
        page: QuerySet[rows.OrderEvent] = rows.OrderEvent.objects.db_manager(using).order_by(
            "order_id", "version"
        )
        if after is not None:
            order_id, version = after
            # (order_id, version) > after, in a shape the unique index serves.
            page = page.filter(order_id__gte=order_id).exclude(
                order_id=order_id, version__lte=version
            )
        chunk = list(page[:CHUNK_SIZE])
        yield from chunk
        if len(chunk) < CHUNK_SIZE:
            return
        after = (chunk[-1].order_id, chunk[-1].version)


def _streams(using: str) -> Iterator[tuple[UUID, list[rows.OrderEvent]]]:
    for order_id, events in itertools.groupby(_events(using), key=lambda event: event.order_id):
        yield order_id, list(events)


def _joined(
    using: str,
) -> Iterator[tuple[UUID, Snapshot | None, list[rows.OrderEvent] | None]]:
    """Yield each order id with its snapshot and its stream (None where one is missing)."""
    snapshots, streams = _snapshots(using), _streams(using)
    snapshot, stream = next(snapshots, None), next(streams, None)
    while snapshot is not None or stream is not None:
        # Both sides come sorted by order id: take the lower id, from one side or from both.
        order_id = min(item[0] for item in (snapshot, stream) if item is not None)
        mine = snapshot if snapshot is not None and snapshot[0] == order_id else None
        told = stream if stream is not None and stream[0] == order_id else None
        yield order_id, mine[1] if mine else None, told[1] if told else None
        if mine:
            snapshot = next(snapshots, None)
        if told:
            stream = next(streams, None)


def compare(snapshot: Snapshot | None, stream: list[rows.OrderEvent] | None) -> list[str]:
    """Return how the snapshot differs from the order its stream folds to (empty: it agrees)."""
    if snapshot is None:
        return ["no snapshot row"]
    if not stream:
        return ["no stream"]
    try:
        truth = Order.from_events(domain_event(event) for event in stream).state()
    except (ValueError, LookupError, TypeError, DomainError) as exc:
        return [f"stream unreadable: {exc}"]
    row, lines = snapshot
    try:
        stored = to_domain(row, lines).state()
    except (ValueError, LookupError, TypeError, DomainError) as exc:
        return [f"snapshot unreadable: {exc}"]
    return truth.differences(stored) + _stored_amounts(truth, row)


def _stored_amounts(truth: OrderState, row: rows.Order) -> list[str]:
    # to_domain computes the amounts from the lines; the row also stores them for lists.
    return [
        f"stored {name}: {getattr(truth, name)!r} != {getattr(row, name)!r}"
        for name in STORED_AMOUNTS
        if getattr(truth, name) != getattr(row, name)
    ]


def recheck(order_id: UUID, using: str = "default") -> Difference | None:
    """Compare one order again under its row lock; call it in a transaction of its own.

    The scan reads rows and events in separate statements, so a change committed between them
    can look like a difference; writers take the row lock, so under it both sides are settled.
    """
    row = rows.Order.objects.db_manager(using).select_for_update().filter(pk=order_id).first()
    snapshot = None if row is None else (row, list(row.lines.all()))
    stream = list(
        rows.OrderEvent.objects.db_manager(using).filter(order_id=order_id).order_by("version")
    )
    found = compare(snapshot, stream)
    return Difference(order_id, tuple(found)) if found else None


def verify_orders(using: str = "default", progress: Progress | None = None) -> Verification:
    """Compare every order of the current tenant; only differences that a recheck confirms count.

    Call it inside the tenant; it opens its own transactions (one for the scan, one for each
    suspect), so no lock is held for longer than one order's recheck.
    """
    verification = Verification()
    suspects: list[UUID] = []
    with transaction.atomic(using=using):
        total = rows.Order.objects.db_manager(using).count()
        if progress:
            progress(0, total)
        for order_id, snapshot, stream in _joined(using):
            verification.orders += 1
            if compare(snapshot, stream):
                suspects.append(order_id)
            if progress:
                progress(verification.orders, total)
    for order_id in suspects:
        with transaction.atomic(using=using):
            difference = recheck(order_id, using)
        if difference is not None:
            verification.differences.append(difference)
    return verification
