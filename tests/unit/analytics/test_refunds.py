"""Refunds in the sales projection: net sales drop by what was refunded, on the refund's day."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from emporium.analytics.application.projections import apply_sales
from emporium.analytics.domain.facts import DayFigures
from emporium.analytics.domain.report import Period, Sales, sales_report
from emporium.analytics.domain.totals import Totals, totals
from emporium.shared_kernel.money import Money
from tests.unit.analytics.events import placed, refunded
from tests.unit.analytics.fakes import InMemorySalesStore

NOV_25, NOV_27, NOV_28 = date(2026, 11, 25), date(2026, 11, 27), date(2026, 11, 28)


def figures(store: InMemorySalesStore) -> list[DayFigures]:
    return list(store.days(date(2026, 1, 1), date(2026, 12, 31), "USD"))


def test_a_refund_counts_on_the_utc_day_it_was_made() -> None:
    store = InMemorySalesStore()
    order = str(uuid.uuid4())
    apply_sales([placed(order, "21.60", 2)], store)

    # 23:30 UTC on the 27th, whatever the shop's clock says.
    apply_sales([refunded(order, "5.00", refunded_total="5.00")], store)

    assert figures(store) == [
        DayFigures(NOV_25, "USD", 1, 2, 2160, 0),
        DayFigures(NOV_27, "USD", 0, 0, 0, 500),
    ]
    assert [day.net_minor for day in figures(store)] == [2160, -500]


def test_a_refund_made_just_after_midnight_elsewhere_counts_on_its_utc_day() -> None:
    store = InMemorySalesStore()
    order = str(uuid.uuid4())
    # 00:30 on the 28th in UTC+01:00 is 23:30 on the 27th in UTC.
    at = datetime.fromisoformat("2026-11-28T00:30:00+01:00")

    apply_sales([placed(order, "21.60", 2), refunded(order, "1.60", at=at)], store)

    assert figures(store)[-1] == DayFigures(NOV_27, "USD", refunds_minor=160)


def test_a_repeated_refund_counts_once_and_order_of_arrival_does_not_matter() -> None:
    store = InMemorySalesStore()
    order, refund = str(uuid.uuid4()), str(uuid.uuid4())
    event = refunded(order, "21.60", refund_id=refund)

    apply_sales([event], store)  # before its place
    apply_sales([event, event], store)  # twice more, in one batch
    apply_sales([placed(order, "21.60", 2)], store)
    apply_sales([refunded(order, "21.60", refund_id=refund)], store)  # another copy

    assert figures(store) == [
        DayFigures(NOV_25, "USD", 1, 2, 2160, 0),
        DayFigures(NOV_27, "USD", 0, 0, 0, 2160),
    ]
    assert store.refunds == {refund: order}


def test_two_refunds_of_one_order_count_on_their_own_days() -> None:
    store = InMemorySalesStore()
    order = str(uuid.uuid4())

    apply_sales(
        [
            placed(order, "21.60", 2),
            refunded(order, "1.60", refunded_total="1.60"),
            refunded(order, "20.00", at=datetime(2026, 11, 28, 8, tzinfo=UTC)),
        ],
        store,
    )

    assert figures(store) == [
        DayFigures(NOV_25, "USD", 1, 2, 2160, 0),
        DayFigures(NOV_27, "USD", 0, 0, 0, 160),
        DayFigures(NOV_28, "USD", 0, 0, 0, 2000),
    ]
    assert totals(store.all_days()) == Totals(1, 2, ())  # all refunded: no net revenue left


def test_the_report_shows_net_revenue_and_refunds() -> None:
    store = InMemorySalesStore()
    order = str(uuid.uuid4())
    apply_sales([placed(order, "21.60", 2)], store)
    apply_sales([refunded(order, "21.60")], store)

    report = sales_report(Period(NOV_25, NOV_27), "USD", figures(store))

    zero = Money(0, "USD")
    assert [sales for _, sales in report.days] == [
        Sales(1, 2, Money(2160, "USD"), zero),
        Sales(0, 0, zero, zero),
        Sales(0, 0, Money(-2160, "USD"), Money(2160, "USD")),
    ]
    assert report.totals == Sales(1, 2, zero, Money(2160, "USD"))


def test_a_replay_of_the_history_into_an_empty_store_gives_the_same_figures() -> None:
    live, replayed = InMemorySalesStore(), InMemorySalesStore()
    order = str(uuid.uuid4())
    history = [
        placed(order, "21.60", 2),
        refunded(order, "1.60", refunded_total="1.60"),
        refunded(order, "20.00", at=datetime(2026, 11, 28, tzinfo=UTC)),
    ]
    for event in history:
        apply_sales([event], live)

    apply_sales(history, replayed)

    assert figures(replayed) == figures(live)
    assert replayed.refunds == live.refunds
