"""The read model's rules for one order: placed counts once, cancelled never, in any order."""

from __future__ import annotations

from datetime import date

import pytest

from emporium.analytics.domain.facts import DayFigures, OrderFact, changes
from emporium.shared_kernel.money import Money

NOV_25 = date(2026, 11, 25)


def test_a_placed_order_counts_one_order_its_units_and_its_total_on_its_day() -> None:
    fact = OrderFact("o1").place(NOV_25, 3, Money(2160, "USD"))

    assert fact.contribution() == DayFigures(NOV_25, "USD", 1, 3, 2160)


def test_placing_adds_the_order_to_its_day() -> None:
    before = OrderFact("o1")

    after = before.place(NOV_25, 3, Money(2160, "USD"))

    assert changes(before, after) == [DayFigures(NOV_25, "USD", 1, 3, 2160)]


def test_cancelling_a_placed_order_takes_it_out_of_its_day() -> None:
    placed = OrderFact("o1").place(NOV_25, 3, Money(2160, "USD"))

    cancelled = placed.cancel()

    assert cancelled.contribution() is None
    assert changes(placed, cancelled) == [DayFigures(NOV_25, "USD", -1, -3, -2160)]


def test_a_cancel_seen_before_its_place_keeps_the_place_from_counting() -> None:
    cancelled = OrderFact("o1").cancel()

    placed = cancelled.place(NOV_25, 3, Money(2160, "USD"))

    assert placed.cancelled
    assert placed.placed_on == NOV_25
    assert changes(cancelled, placed) == []


def test_a_second_place_or_cancel_changes_nothing() -> None:
    placed = OrderFact("o1").place(NOV_25, 3, Money(2160, "USD"))

    assert placed.place(date(2026, 11, 26), 9, Money(1, "USD")) is placed
    assert placed.cancel().cancel() == placed.cancel()


def test_a_negative_unit_count_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        OrderFact("o1").place(NOV_25, -1, Money(0, "USD"))
