"""The product-sales fold: line totals on the UTC day of payment; lines kept until then."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from emporium.analytics.application.projections import apply_product_sales
from emporium.analytics.domain.products import ProductDay
from tests.unit.analytics.events import cancelled, line, paid, placed, refunded
from tests.unit.analytics.fakes import InMemoryProductSalesStore

MUG, PAN = str(uuid.uuid4()), str(uuid.uuid4())
NOV_26, NOV_27 = date(2026, 11, 26), date(2026, 11, 27)
PAID_NOV_26 = datetime(2026, 11, 26, 10, tzinfo=UTC)


def order_id() -> str:
    return str(uuid.uuid4())


def mugs_and_a_pan(order: str, mugs: int = 2) -> list:
    lines = [line(MUG, mugs, "0.35", name="Mug"), line(PAN, 1, "45.90", name="Pan")]
    return [placed(order, "50.33", lines=lines)]


def test_an_order_placed_and_paid_in_one_batch_counts_its_line_totals_on_the_day_paid() -> None:
    store = InMemoryProductSalesStore()
    order = order_id()

    # Placed on the 25th, paid on the 26th: the day of payment counts.
    apply_product_sales([*mugs_and_a_pan(order), paid(order, "50.33", at=PAID_NOV_26)], store)

    assert sorted(store.all(), key=lambda day: day.name) == [
        ProductDay(MUG, NOV_26, "USD", "Mug", 2, 70),
        ProductDay(PAN, NOV_26, "USD", "Pan", 1, 4590),
    ]
    assert store.unpaid == {}


def test_the_day_of_payment_is_its_utc_day() -> None:
    store = InMemoryProductSalesStore()
    order = order_id()
    # 00:30 on the 27th in UTC+01:00 is 23:30 on the 26th in UTC.
    late = datetime.fromisoformat("2026-11-27T00:30:00+01:00")

    apply_product_sales([*mugs_and_a_pan(order), paid(order, "50.33", at=late)], store)

    assert {day.day for day in store.all()} == {NOV_26}


def test_unpaid_lines_are_kept_across_batches_and_counted_when_the_order_is_paid() -> None:
    store = InMemoryProductSalesStore()
    order = order_id()

    apply_product_sales(mugs_and_a_pan(order), store)

    assert store.all() == []
    assert [row["product_id"] for row in store.unpaid[order]] == [MUG, PAN]

    apply_product_sales([paid(order, "50.33", at=datetime(2026, 11, 27, 8, tzinfo=UTC))], store)

    assert sorted(store.all(), key=lambda day: day.name) == [
        ProductDay(MUG, NOV_27, "USD", "Mug", 2, 70),
        ProductDay(PAN, NOV_27, "USD", "Pan", 1, 4590),
    ]
    assert store.unpaid == {}  # forgotten once paid


def test_a_cancelled_order_never_counts_and_its_lines_are_forgotten() -> None:
    store = InMemoryProductSalesStore()
    kept_apart, same_batch = order_id(), order_id()

    apply_product_sales(mugs_and_a_pan(kept_apart), store)
    apply_product_sales([cancelled(kept_apart), *mugs_and_a_pan(same_batch)], store)
    apply_product_sales([cancelled(same_batch)], store)

    assert store.all() == []
    assert store.unpaid == {}


def test_a_place_and_its_cancel_in_one_batch_keep_nothing() -> None:
    store = InMemoryProductSalesStore()
    order = order_id()

    apply_product_sales([*mugs_and_a_pan(order), cancelled(order)], store)

    assert store.all() == []
    assert store.unpaid == {}


def test_orders_of_one_product_on_one_day_add_up_and_other_orders_stay_kept() -> None:
    store = InMemoryProductSalesStore()
    first, second, waiting = order_id(), order_id(), order_id()
    apply_product_sales([*mugs_and_a_pan(first), *mugs_and_a_pan(waiting, mugs=5)], store)

    apply_product_sales(
        [
            paid(first, "50.33", at=PAID_NOV_26),
            *mugs_and_a_pan(second, mugs=3),
            paid(second, "51.41", at=PAID_NOV_26.replace(hour=22)),
        ],
        store,
    )

    assert sorted(store.all(), key=lambda day: day.name) == [
        ProductDay(MUG, NOV_26, "USD", "Mug", 5, 175),
        ProductDay(PAN, NOV_26, "USD", "Pan", 2, 9180),
    ]
    assert list(store.unpaid) == [waiting]


def test_a_product_renamed_between_orders_keeps_the_latest_name() -> None:
    store = InMemoryProductSalesStore()
    before, after = order_id(), order_id()

    apply_product_sales(
        [
            placed(before, "0.35", lines=[line(MUG, 1, "0.35", name="Mug")]),
            paid(before, "0.35", at=PAID_NOV_26),
            placed(after, "0.35", lines=[line(MUG, 1, "0.35", name="Big mug")]),
            paid(after, "0.35", at=PAID_NOV_26),
        ],
        store,
    )

    assert store.all() == [ProductDay(MUG, NOV_26, "USD", "Big mug", 2, 70)]


def test_refunds_do_not_change_product_sales() -> None:
    store = InMemoryProductSalesStore()
    order = order_id()
    apply_product_sales([*mugs_and_a_pan(order), paid(order, "50.33", at=PAID_NOV_26)], store)
    counted = store.all()

    apply_product_sales([refunded(order, "50.33")], store)

    assert store.all() == counted


@pytest.mark.parametrize("split", [1, 2, 3, 4])
def test_any_split_into_batches_gives_the_same_sales(split: int) -> None:
    paid_one, cancelled_one, unpaid_one = order_id(), order_id(), order_id()
    events = [
        *mugs_and_a_pan(paid_one),
        *mugs_and_a_pan(cancelled_one, mugs=4),
        paid(paid_one, "50.33", at=PAID_NOV_26),
        *mugs_and_a_pan(unpaid_one, mugs=1),
        cancelled(cancelled_one),
    ]
    store = InMemoryProductSalesStore()

    apply_product_sales(events[:split], store)
    apply_product_sales(events[split:], store)

    assert sorted(store.all(), key=lambda day: day.name) == [
        ProductDay(MUG, NOV_26, "USD", "Mug", 2, 70),
        ProductDay(PAN, NOV_26, "USD", "Pan", 1, 4590),
    ]
    assert list(store.unpaid) == [unpaid_one]
