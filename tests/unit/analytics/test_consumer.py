"""The sales consumer on an in-memory store: exact figures, any order, any repetition, replay."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

from emporium.analytics.application.consumers import Rebuilt, rebuild, record_sale
from emporium.analytics.domain.facts import DayFigures
from emporium.analytics.domain.totals import Totals
from emporium.shared_kernel.events import EventEnvelope
from emporium.shared_kernel.money import Money
from tests.unit.analytics.events import cancelled, placed
from tests.unit.analytics.fakes import InMemorySalesStore

NOV_25 = date(2026, 11, 25)


def order_id() -> str:
    return str(uuid.uuid4())


def figures(store: InMemorySalesStore) -> list[DayFigures]:
    return list(store.days(date(2026, 1, 1), date(2026, 12, 31), "USD"))


def test_placed_orders_add_up_per_utc_day() -> None:
    store = InMemorySalesStore()
    late = datetime(2026, 11, 25, 23, 59, 59, tzinfo=UTC)

    record_sale(placed(order_id(), "21.60", 2), store=store)
    record_sale(placed(order_id(), "5.00", 1, 4, at=late), store=store)
    record_sale(placed(order_id(), "1.00", 1, at=datetime(2026, 11, 26, tzinfo=UTC)), store=store)

    assert figures(store) == [
        DayFigures(NOV_25, "USD", 2, 7, 2660),
        DayFigures(date(2026, 11, 26), "USD", 1, 1, 100),
    ]


def test_a_cancelled_order_leaves_its_placed_day_not_the_cancel_day() -> None:
    store = InMemorySalesStore()
    kept, dropped = order_id(), order_id()
    record_sale(placed(kept, "21.60", 2), store=store)
    record_sale(placed(dropped, "5.00", 3), store=store)

    record_sale(cancelled(dropped, at=datetime(2026, 11, 27, tzinfo=UTC)), store=store)

    assert figures(store) == [DayFigures(NOV_25, "USD", 1, 2, 2160)]


def test_a_cancel_delivered_before_its_place_keeps_the_order_out() -> None:
    store = InMemorySalesStore()
    early = order_id()

    record_sale(cancelled(early), store=store)
    record_sale(placed(early, "21.60", 2), store=store)

    assert figures(store) == []
    assert store.facts[early].cancelled


def test_the_same_events_delivered_twice_count_once() -> None:
    store = InMemorySalesStore()
    first, second = order_id(), order_id()
    events = [placed(first, "21.60", 2), placed(second, "5.00", 1), cancelled(second)]

    for event in events + events:
        record_sale(event, store=store)

    assert figures(store) == [DayFigures(NOV_25, "USD", 1, 2, 2160)]


def test_a_replay_of_the_same_events_rebuilds_the_same_figures_and_facts() -> None:
    store = InMemorySalesStore()
    ids = [order_id() for _ in range(3)]
    events = [placed(ids[0], "21.60", 2), cancelled(ids[1]), placed(ids[1], "3.00", 3)]
    events += [placed(ids[2], "0.70", 1, 1), cancelled(ids[0])]
    for event in events:
        record_sale(event, store=store)
    live_facts, live_figures = dict(store.facts), figures(store)

    rebuilt = rebuild(lambda: events, store=store)

    assert rebuilt == Rebuilt(5, Totals(1, 2, (Money(70, "USD"),)))
    assert store.facts == live_facts
    assert figures(store) == live_figures == [DayFigures(NOV_25, "USD", 1, 2, 70)]


def test_events_of_other_types_are_ignored() -> None:
    store = InMemorySalesStore()
    paid = replace(placed(order_id(), "1.00", 1), type="ordering.order_paid")

    record_sale(paid, store=store)

    assert figures(store) == []
    assert store.facts == {}


def test_a_delivery_holds_the_tenant_shared_and_ignored_types_take_no_lock() -> None:
    store = InMemorySalesStore()

    record_sale(placed(order_id(), "1.00", 1), store=store)
    record_sale(replace(placed(order_id(), "1.00", 1), type="ordering.order_paid"), store=store)

    assert store.calls == ["shared"]


def test_a_rebuild_reads_its_history_only_once_it_holds_the_tenant_exclusively() -> None:
    store = InMemorySalesStore()
    record_sale(placed(order_id(), "9.00", 9), store=store)
    seen_when_read: list[list[str]] = []
    event = placed(order_id(), "21.60", 2)

    def history() -> list[EventEnvelope]:
        seen_when_read.append(list(store.calls))
        return [event, replace(event, id=uuid.uuid4(), type="ordering.order_paid")]

    rebuilt = rebuild(history, store=store)

    assert seen_when_read == [["shared", "exclusive", "reset"]]
    assert rebuilt == Rebuilt(1, Totals(1, 2, (Money(2160, "USD"),)))
    assert figures(store) == [DayFigures(NOV_25, "USD", 1, 2, 2160)]


def test_an_event_delivered_after_a_rebuild_that_replayed_it_changes_nothing() -> None:
    store = InMemorySalesStore()
    order = order_id()
    events = [placed(order, "5.00", 1), cancelled(order), placed(order_id(), "21.60", 2)]
    rebuild(lambda: events, store=store)
    facts, rebuilt_figures = dict(store.facts), figures(store)

    for event in events:
        record_sale(event, store=store)  # the consumer, let in once the rebuild committed

    assert store.facts == facts
    assert figures(store) == rebuilt_figures == [DayFigures(NOV_25, "USD", 1, 2, 2160)]
