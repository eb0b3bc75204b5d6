"""The sales fold on an in-memory store: exact figures per UTC day, cancels, repeats, batches."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from emporium.analytics.application.projections import apply_sales
from emporium.analytics.domain.facts import DayFigures, OrderFact
from emporium.analytics.domain.totals import Totals, totals
from emporium.shared_kernel.money import Money
from tests.unit.analytics.events import cancelled, of_type, paid, placed
from tests.unit.analytics.fakes import InMemorySalesStore

NOV_25, NOV_26 = date(2026, 11, 25), date(2026, 11, 26)


def order_id() -> str:
    return str(uuid.uuid4())


def figures(store: InMemorySalesStore) -> list[DayFigures]:
    return list(store.days(date(2026, 1, 1), date(2026, 12, 31), "USD"))


def counted(store: InMemorySalesStore) -> list[DayFigures]:
    """Return the figures of the days where something counts (a day of zeros is no day)."""
    return [day for day in figures(store) if day != DayFigures(day.day, day.currency)]


def test_placed_orders_add_up_per_utc_day() -> None:
    store = InMemorySalesStore()
    late = datetime(2026, 11, 25, 23, 59, 59, tzinfo=UTC)

    apply_sales([placed(order_id(), "21.60", 2)], store)
    apply_sales([placed(order_id(), "5.00", 1, 4, at=late)], store)
    apply_sales([placed(order_id(), "1.00", 1, at=datetime(2026, 11, 26, tzinfo=UTC))], store)

    assert figures(store) == [
        DayFigures(NOV_25, "USD", 2, 7, 2660),
        DayFigures(NOV_26, "USD", 1, 1, 100),
    ]


def test_the_day_is_the_utc_day_whatever_the_offset_of_the_moment() -> None:
    store = InMemorySalesStore()
    # 01:30 on the 26th in UTC+02:00 is 23:30 on the 25th in UTC.
    east = datetime.fromisoformat("2026-11-26T01:30:00+02:00")

    apply_sales([placed(order_id(), "3.00", 3, at=east)], store)

    assert figures(store) == [DayFigures(NOV_25, "USD", 1, 3, 300)]


def test_a_batch_of_many_orders_writes_one_delta_per_day() -> None:
    store = InMemorySalesStore()
    nov_26 = datetime(2026, 11, 26, 8, tzinfo=UTC)

    apply_sales(
        [
            placed(order_id(), "21.60", 2),
            placed(order_id(), "5.00", 1, 4),
            placed(order_id(), "0.70", 1, 1, at=nov_26),
        ],
        store,
    )

    writes = sorted(store.day_writes(), key=lambda delta: delta.day)
    assert writes == [
        DayFigures(NOV_25, "USD", 2, 7, 2660),
        DayFigures(NOV_26, "USD", 1, 2, 70),
    ]
    assert figures(store) == writes


def test_a_cancelled_order_leaves_its_placed_day_not_the_cancel_day() -> None:
    store = InMemorySalesStore()
    kept, dropped = order_id(), order_id()
    apply_sales([placed(kept, "21.60", 2), placed(dropped, "5.00", 3)], store)

    apply_sales([cancelled(dropped, at=datetime(2026, 11, 27, tzinfo=UTC))], store)

    assert figures(store) == [DayFigures(NOV_25, "USD", 1, 2, 2160)]
    assert store.facts[dropped] == OrderFact(dropped, NOV_25, 3, Money(500, "USD"), True)


def test_a_place_and_its_cancel_in_one_batch_write_no_figures() -> None:
    store = InMemorySalesStore()
    order = order_id()

    apply_sales([placed(order, "5.00", 3), cancelled(order)], store)

    assert store.day_writes() == []
    assert figures(store) == []  # not even a day of zeros
    assert store.facts[order] == OrderFact(order, NOV_25, 3, Money(500, "USD"), True)


def test_a_cancel_before_its_place_keeps_the_order_out() -> None:
    store = InMemorySalesStore()
    early = order_id()

    apply_sales([cancelled(early)], store)
    apply_sales([placed(early, "21.60", 2)], store)

    assert figures(store) == []
    assert store.facts[early] == OrderFact(early, NOV_25, 2, Money(2160, "USD"), True)


def test_the_same_events_applied_twice_count_once() -> None:
    store = InMemorySalesStore()
    first, second = order_id(), order_id()
    events = [placed(first, "21.60", 2), placed(second, "5.00", 1), cancelled(second)]

    apply_sales(events, store)
    apply_sales(events, store)
    for event in events:
        apply_sales([event], store)

    assert figures(store) == [DayFigures(NOV_25, "USD", 1, 2, 2160)]


def test_a_repeat_inside_one_batch_counts_once() -> None:
    store = InMemorySalesStore()
    order = order_id()
    place = placed(order, "21.60", 2)

    apply_sales([place, place, placed(order, "99.00", 9)], store)

    assert figures(store) == [DayFigures(NOV_25, "USD", 1, 2, 2160)]


def test_one_batch_or_one_event_at_a_time_give_the_same_facts_and_figures() -> None:
    ids = [order_id() for _ in range(4)]
    nov_26 = datetime(2026, 11, 26, 8, tzinfo=UTC)
    events = [
        placed(ids[0], "21.60", 2),
        cancelled(ids[1]),
        placed(ids[1], "3.00", 3),
        placed(ids[2], "0.70", 1, 1, at=nov_26),
        placed(ids[3], "45.90", 1, at=nov_26),
        cancelled(ids[0]),
    ]
    whole, one_by_one = InMemorySalesStore(), InMemorySalesStore()

    apply_sales(events, whole)
    for event in events:
        apply_sales([event], one_by_one)

    assert whole.facts == one_by_one.facts
    assert counted(whole) == counted(one_by_one) == [DayFigures(NOV_26, "USD", 2, 3, 4660)]
    # Applied one by one, the cancelled order's day keeps a row of zeros, as a table would.
    assert figures(one_by_one)[0] == DayFigures(NOV_25, "USD")
    assert totals(whole.all_days()) == Totals(2, 3, (Money(4660, "USD"),))


def test_events_of_other_types_are_ignored_and_touch_nothing() -> None:
    store = InMemorySalesStore()
    order = order_id()

    apply_sales([paid(order, "1.00"), of_type(placed(order, "1.00", 1), "ordering.x")], store)

    assert figures(store) == []
    assert store.facts == {}
    assert all(not given for _, given in store.writes)  # nothing handed to any writer
