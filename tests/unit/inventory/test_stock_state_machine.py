"""Stock under any sequence of reserve, release, commit, expire and restock keeps its invariants."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

from emporium.inventory.domain import reservation as rules
from emporium.inventory.domain.events import (
    StockAdjusted,
    StockCommitted,
    StockReleased,
    StockReserved,
)
from emporium.inventory.domain.reservation import Reservation, ReservationStatus
from emporium.inventory.domain.stock import StockItem
from emporium.shared_kernel.errors import BusinessRuleViolation, Conflict, DomainError
from emporium.shared_kernel.events import DomainEvent

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def replay(events: list[DomainEvent]) -> tuple[int, int]:
    """Rebuild (on_hand, reserved) from the events alone, as a ledger reader would."""
    on_hand = reserved = 0
    for event in events:
        if isinstance(event, StockAdjusted):
            assert event.old_on_hand == on_hand
            on_hand = event.new_on_hand
        elif isinstance(event, StockReserved):
            reserved += event.quantity
        elif isinstance(event, StockReleased):
            reserved -= event.quantity
        elif isinstance(event, StockCommitted):
            on_hand -= event.quantity
            reserved -= event.quantity
        else:  # pragma: no cover - a new event kind must be taught to this replay
            raise AssertionError(f"unexpected event {event.type}")
        if not isinstance(event, StockAdjusted):
            # Each movement states the counts after it; they must agree with the deltas.
            assert (event.on_hand, event.reserved) == (on_hand, reserved)
    return on_hand, reserved


class StockLife(RuleBasedStateMachine):
    """One product's stock, driven like the shop drives it, checked against a simple model."""

    orders = Bundle("orders")

    def __init__(self) -> None:
        super().__init__()
        self.item = StockItem(id=uuid.UUID(int=1))
        self.now = NOW
        self.restocked = 0  # net units counted in through set_on_hand
        self.committed = 0  # units sold
        self.reservations: dict[uuid.UUID, Reservation] = {}  # latest state, by order
        self.events: list[DomainEvent] = []

    def attempt(
        self,
        operation: Callable[[], object],
        refusal: type[DomainError] | None,
        code: str | None,
    ) -> object:
        """Run ``operation``; it must be refused exactly when the model says so."""
        before = (self.item.on_hand, self.item.reserved, self.item.version)
        result: object = None
        if refusal is None:
            result = operation()
        else:
            with pytest.raises(refusal) as refused:
                operation()
            assert refused.value.code == code
            # A refused movement moves nothing and records nothing.
            assert (self.item.on_hand, self.item.reserved, self.item.version) == before
        self.events.extend(self.item.pull_events())
        return result

    @property
    def active_units(self) -> int:
        return sum(r.quantity for r in self.reservations.values() if r.is_active)

    @rule(count=st.integers(0, 40))
    def restock(self, count: int) -> None:
        below = count < self.item.reserved
        before = self.item.on_hand
        self.attempt(
            lambda: self.item.set_on_hand(count),
            Conflict if below else None,
            "below-reserved" if below else None,
        )
        if not below:
            self.restocked += count - before

    @rule(target=orders, quantity=st.integers(1, 12), minutes=st.integers(1, 30))
    def reserve(self, quantity: int, minutes: int) -> uuid.UUID:
        order_id = uuid.uuid4()
        short = quantity > self.item.available
        held = self.attempt(
            lambda: rules.reserve(
                self.item, order_id, quantity, self.now + timedelta(minutes=minutes)
            ),
            Conflict if short else None,
            "insufficient-stock" if short else None,
        )
        if isinstance(held, Reservation):
            self.reservations[order_id] = held
        return order_id

    def end(
        self, order_id: uuid.UUID, how: Callable[[StockItem, Reservation], Reservation]
    ) -> None:
        current = self.reservations.get(order_id)
        if current is None:  # its reserve was refused: nothing to end
            return
        refused = not current.is_active
        ended = self.attempt(
            lambda: how(self.item, current),
            BusinessRuleViolation if refused else None,
            "reservation-not-active" if refused else None,
        )
        if isinstance(ended, Reservation):
            self.reservations[order_id] = ended

    @rule(order_id=orders)
    def release(self, order_id: uuid.UUID) -> None:
        self.end(order_id, rules.release)

    @rule(order_id=orders)
    def commit(self, order_id: uuid.UUID) -> None:
        current = self.reservations.get(order_id)
        self.end(order_id, rules.commit)
        if current is not None and current.is_active:
            self.committed += current.quantity

    @rule(minutes=st.integers(0, 20))
    def expire(self, minutes: int) -> None:
        self.now += timedelta(minutes=minutes)
        for order_id, current in list(self.reservations.items()):
            due = current.is_active and current.expires_at <= self.now
            after = self.attempt(partial(rules.expire, self.item, current, self.now), None, None)
            assert isinstance(after, Reservation)
            if due:
                assert after.status is ReservationStatus.RELEASED
            else:
                assert after is current
            self.reservations[order_id] = after

    @invariant()
    def reserved_stays_within_on_hand(self) -> None:
        assert 0 <= self.item.reserved <= self.item.on_hand
        assert self.item.available >= 0

    @invariant()
    def units_are_conserved(self) -> None:
        # Every unit counted in is either still on hand or was sold; none appear or vanish.
        assert self.item.on_hand + self.committed == self.restocked

    @invariant()
    def reserved_is_what_active_reservations_hold(self) -> None:
        assert self.item.reserved == self.active_units

    @invariant()
    def events_tell_the_whole_story(self) -> None:
        assert replay(self.events) == (self.item.on_hand, self.item.reserved)
        assert [event.aggregate_version for event in self.events] == list(
            range(1, len(self.events) + 1)
        )


StockLife.TestCase.settings = settings(max_examples=200, stateful_step_count=30, deadline=None)
test_stock_life = StockLife.TestCase
