"""Stock rules, without a database."""

from __future__ import annotations

import uuid

import pytest

from emporium.inventory.domain.stock import StockItem
from emporium.shared_kernel.errors import Conflict, InvalidInput


def item(on_hand: int = 10, reserved: int = 3) -> StockItem:
    return StockItem(id=uuid.uuid4(), on_hand=on_hand, reserved=reserved)


def test_available_is_on_hand_minus_reserved() -> None:
    assert item().available == 7


def test_set_on_hand_records_stock_adjusted() -> None:
    stock = item()

    stock.set_on_hand(25, expected_on_hand=10)

    [event] = stock.pull_events()
    assert event.type == "inventory.stock_adjusted"
    assert event.payload() == {"product_id": str(stock.id), "old_on_hand": 10, "new_on_hand": 25}


def test_stale_expected_on_hand_is_a_conflict() -> None:
    with pytest.raises(Conflict) as refused:
        item().set_on_hand(25, expected_on_hand=9)
    assert refused.value.code == "stale-expected-on-hand"


def test_on_hand_below_reserved_is_a_conflict() -> None:
    with pytest.raises(Conflict) as refused:
        item().set_on_hand(2)
    assert refused.value.code == "below-reserved"


@pytest.mark.parametrize("value", [-1, 1.5, True, "5", 1_000_000_001])
def test_on_hand_must_be_a_whole_number_from_zero(value: object) -> None:
    with pytest.raises(InvalidInput):
        item().set_on_hand(value)  # type: ignore[arg-type]


def test_setting_the_same_count_records_nothing() -> None:
    stock = item()

    stock.set_on_hand(10)

    assert stock.pull_events() == []


def test_restock_puts_sold_units_back_on_hand() -> None:
    stock = item(on_hand=10, reserved=3)
    order = uuid.uuid4()

    stock.restock(4, order_id=order)

    assert (stock.on_hand, stock.reserved, stock.available) == (14, 3, 11)
    [event] = stock.pull_events()
    assert event.type == "inventory.stock_returned"
    assert event.payload() == {
        "product_id": str(stock.id),
        "quantity": 4,
        "on_hand": 14,
        "reserved": 3,
        "order_id": str(order),
    }


@pytest.mark.parametrize("quantity", [0, -1, True, 1.5])
def test_restock_takes_a_whole_number_from_one(quantity: object) -> None:
    stock = item()

    with pytest.raises(InvalidInput):
        stock.restock(quantity)  # type: ignore[arg-type]

    assert (stock.on_hand, stock.pull_events()) == (10, [])
