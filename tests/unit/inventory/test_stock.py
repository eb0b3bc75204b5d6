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
