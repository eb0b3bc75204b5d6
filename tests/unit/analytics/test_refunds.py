"""Refunds in the sales read model: net sales drop by what was refunded, on the refund's day."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from emporium.analytics.application.consumers import Rebuilt, rebuild, record_sale
from emporium.analytics.domain.facts import DayFigures
from emporium.analytics.domain.report import Period, Sales, sales_report
from emporium.analytics.domain.totals import Totals
from emporium.shared_kernel.money import Money
from tests.unit.analytics.events import placed, refunded
from tests.unit.analytics.fakes import InMemorySalesStore

NOV_25, NOV_27 = date(2026, 11, 25), date(2026, 11, 27)


def figures(store: InMemorySalesStore) -> list[DayFigures]:
    return list(store.days(date(2026, 1, 1), date(2026, 12, 31), "USD"))


def test_a_refund_counts_on_the_utc_day_it_was_made() -> None:
    store = InMemorySalesStore()
    order = str(uuid.uuid4())
    record_sale(placed(order, "21.60", 2), store=store)

    # 23:30 UTC on the 27th, whatever the shop's clock says.
    record_sale(refunded(order, "5.00", refunded_total="5.00"), store=store)

    assert figures(store) == [
        DayFigures(NOV_25, "USD", 1, 2, 2160, 0),
        DayFigures(NOV_27, "USD", 0, 0, 0, 500),
    ]
    assert [day.net_minor for day in figures(store)] == [2160, -500]


def test_a_repeated_refund_counts_once_and_order_of_arrival_does_not_matter() -> None:
    store = InMemorySalesStore()
    order, refund = str(uuid.uuid4()), str(uuid.uuid4())
    event = refunded(order, "21.60", refund_id=refund)

    record_sale(event, store=store)  # before its place
    record_sale(event, store=store)
    record_sale(placed(order, "21.60", 2), store=store)
    record_sale(refunded(order, "21.60", refund_id=refund), store=store)  # redelivered copy

    assert figures(store) == [
        DayFigures(NOV_25, "USD", 1, 2, 2160, 0),
        DayFigures(NOV_27, "USD", 0, 0, 0, 2160),
    ]
    assert store.refunds == {refund: order}


def test_the_report_shows_net_revenue_and_refunds() -> None:
    store = InMemorySalesStore()
    order = str(uuid.uuid4())
    record_sale(placed(order, "21.60", 2), store=store)
    record_sale(refunded(order, "21.60"), store=store)

    report = sales_report(Period(NOV_25, NOV_27), "USD", figures(store))

    zero = Money(0, "USD")
    assert [sales for _, sales in report.days] == [
        Sales(1, 2, Money(2160, "USD"), zero),
        Sales(0, 0, zero, zero),
        Sales(0, 0, Money(-2160, "USD"), Money(2160, "USD")),
    ]
    assert report.totals == Sales(1, 2, zero, Money(2160, "USD"))


def test_a_rebuild_replays_refunds_into_the_same_figures() -> None:
    store = InMemorySalesStore()
    order = str(uuid.uuid4())
    history = [
        placed(order, "21.60", 2),
        refunded(order, "1.60", refunded_total="1.60"),
        refunded(order, "20.00", at=datetime(2026, 11, 28, tzinfo=UTC)),
    ]
    for event in history:
        record_sale(event, store=store)
    live = figures(store)

    rebuilt = rebuild(lambda: iter(history), store=store)

    assert figures(store) == live
    assert rebuilt == Rebuilt(3, Totals(1, 2, ()))  # all refunded: no net revenue is left
