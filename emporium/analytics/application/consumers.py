"""The sales read model's consumer of ordering's integration events."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from emporium.analytics.application.ports import SalesStore
from emporium.analytics.domain.facts import OrderFact, changes, refund_figures
from emporium.analytics.domain.totals import Totals, totals
from emporium.shared_kernel.money import Money

ORDER_PLACED = "ordering.order_placed"
ORDER_CANCELLED = "ordering.order_cancelled"
ORDER_REFUNDED = "ordering.order_refunded"
EVENT_TYPES = (ORDER_PLACED, ORDER_CANCELLED, ORDER_REFUNDED)


class Envelope(Protocol):
    """What the consumer reads of an integration event's envelope."""

    @property
    def type(self) -> str: ...

    @property
    def occurred_at(self) -> datetime: ...

    @property
    def aggregate_id(self) -> str: ...

    @property
    def payload(self) -> dict[str, Any]: ...


def _apply(fact: OrderFact, envelope: Envelope) -> OrderFact:
    payload = envelope.payload
    if envelope.type == ORDER_PLACED:
        # The day is the UTC day the order was placed, whatever the shop's time zone.
        day = envelope.occurred_at.astimezone(UTC).date()
        units = sum(int(line["quantity"]) for line in payload["lines"])
        return fact.place(day, units, Money.from_dict(payload["total"]))
    return fact.cancel()


def _record(envelope: Envelope, store: SalesStore) -> None:
    if envelope.type == ORDER_REFUNDED:
        _record_refund(envelope, store)
        return
    before = store.lock_fact(envelope.aggregate_id)
    after = _apply(before, envelope)
    if after == before:
        return
    store.save_fact(after)
    for delta in changes(before, after):
        store.add_to_day(delta)


def _record_refund(envelope: Envelope, store: SalesStore) -> None:
    # A refund counts on the UTC day it was made, apart from its order's place and cancel, so
    # the order in which they arrive does not matter; its id makes a repeat change nothing.
    payload = envelope.payload
    if store.record_refund_once(payload["refund_id"], envelope.aggregate_id):
        on = datetime.fromisoformat(payload["refunded_at"]).astimezone(UTC).date()
        store.add_to_day(refund_figures(on, Money.from_dict(payload["amount"])))


def record_sale(envelope: Envelope, *, store: SalesStore) -> None:
    """Apply one ordering event (placed, cancelled, refunded) to the read model, once."""
    if envelope.type not in EVENT_TYPES:
        return
    # Shared: deliveries run side by side, and wait only while a rebuild holds the tenant.
    store.lock_read_model(exclusive=False)
    _record(envelope, store)


@dataclass(frozen=True)
class Rebuilt:
    """What a rebuild replayed and the figures it left."""

    events: int
    totals: Totals


def rebuild(history: Callable[[], Iterable[Envelope]], *, store: SalesStore) -> Rebuilt:
    """Empty the current tenant's read model and apply ``history()`` in order.

    The history is read only once the tenant is held exclusively, in the same transaction: an
    event a delivery applied before is in it, and one delivered meanwhile waits and is applied
    on top, where it changes nothing if the history had it already (``record_sale``).
    """
    store.lock_read_model(exclusive=True)
    store.reset()
    applied = 0
    for envelope in history():
        if envelope.type in EVENT_TYPES:
            applied += 1
            _record(envelope, store)
    return Rebuilt(applied, totals(store.all_days()))
