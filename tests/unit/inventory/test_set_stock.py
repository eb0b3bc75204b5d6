"""set_stock on in-memory fakes of its ports: a count, compare-and-set, a ledger line, an event."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest

from emporium.inventory.application.reserve_stock import ReserveStock, reserve_stock
from emporium.inventory.application.use_cases import SetStock, set_stock
from emporium.inventory.domain.stock import MAX_ON_HAND, StockItem
from emporium.shared_kernel.errors import Conflict, InvalidInput, NotFound
from tests.fakes.inventory import FakeInventoryUnitOfWork, InMemoryCatalog, StockMovement

MUG = UUID("a1000000-0000-4000-8000-000000000001")
PAN = UUID("a2000000-0000-4000-8000-000000000002")  # in the catalog, no stock counted yet
GHOST = UUID("a4000000-0000-4000-8000-000000000004")  # not in the catalog
ORDER = UUID("0e000000-0000-4000-8000-00000000000e")
CATALOG = InMemoryCatalog([MUG, PAN])


def count(
    uow: FakeInventoryUnitOfWork, product: UUID, on_hand: int, expected: int | None = None
) -> StockItem:
    return set_stock(SetStock(product, on_hand, expected), uow, CATALOG)


def counts(uow: FakeInventoryUnitOfWork) -> dict[UUID, tuple[int, int, int]]:
    """Return the committed (on hand, reserved, version) of each product."""
    return {pid: (i.on_hand, i.reserved, i.version) for pid, i in uow.stock.rows.items()}


def events(uow: FakeInventoryUnitOfWork) -> list[tuple[str, str, int, dict[str, object]]]:
    return [(e.type, e.aggregate_id, e.aggregate_version, e.payload) for e in uow.outbox]


def test_the_first_count_of_a_product_creates_its_stock() -> None:
    uow = FakeInventoryUnitOfWork()

    item = count(uow, PAN, 12)

    assert (item.id, item.on_hand, item.reserved, item.version) == (PAN, 12, 0, 1)
    assert counts(uow) == {PAN: (12, 0, 1)}
    assert uow.stock.ledger == [StockMovement(PAN, "adjust", 12, 0, 12, 0, "count 0 -> 12")]
    assert events(uow) == [
        (
            "inventory.stock_adjusted",
            str(PAN),
            1,
            {"product_id": str(PAN), "old_on_hand": 0, "new_on_hand": 12},
        )
    ]


def test_a_count_with_the_expected_on_hand_replaces_it() -> None:
    uow = FakeInventoryUnitOfWork({MUG: 10})

    item = count(uow, MUG, 7, expected=10)

    assert item.on_hand == 7
    assert counts(uow) == {MUG: (7, 0, 1)}
    assert uow.stock.ledger == [StockMovement(MUG, "adjust", -3, 0, 7, 0, "count 10 -> 7")]
    assert events(uow) == [
        (
            "inventory.stock_adjusted",
            str(MUG),
            1,
            {"product_id": str(MUG), "old_on_hand": 10, "new_on_hand": 7},
        )
    ]


def test_a_count_expecting_another_on_hand_is_a_conflict_and_changes_nothing() -> None:
    uow = FakeInventoryUnitOfWork({MUG: 10})

    with pytest.raises(Conflict) as refused:
        count(uow, MUG, 7, expected=9)

    assert refused.value.code == "stale-expected-on-hand"
    assert refused.value.detail == "on_hand is 10, not the expected 9."
    assert counts(uow) == {MUG: (10, 0, 0)}
    assert uow.stock.ledger == []
    assert uow.outbox == []


def test_of_two_counts_from_the_same_reading_the_second_is_refused() -> None:
    uow = FakeInventoryUnitOfWork({MUG: 10})

    count(uow, MUG, 12, expected=10)
    with pytest.raises(Conflict) as refused:
        count(uow, MUG, 8, expected=10)

    assert refused.value.detail == "on_hand is 12, not the expected 10."
    assert counts(uow) == {MUG: (12, 0, 1)}
    assert [line.reference for line in uow.stock.ledger] == ["count 10 -> 12"]


def test_without_an_expected_on_hand_the_last_count_wins() -> None:
    uow = FakeInventoryUnitOfWork({MUG: 10})

    count(uow, MUG, 5)
    count(uow, MUG, 8)

    assert counts(uow) == {MUG: (8, 0, 2)}
    assert [(e[2], e[3]["old_on_hand"], e[3]["new_on_hand"]) for e in events(uow)] == [
        (1, 10, 5),
        (2, 5, 8),
    ]


def test_a_recount_of_the_same_number_is_in_the_ledger_without_an_event() -> None:
    uow = FakeInventoryUnitOfWork({MUG: 10})

    item = count(uow, MUG, 10, expected=10)

    assert (item.on_hand, item.version) == (10, 0)
    assert uow.stock.ledger == [StockMovement(MUG, "adjust", 0, 0, 10, 0, "count 10 -> 10")]
    assert uow.outbox == []


@pytest.mark.parametrize("on_hand", [-1, MAX_ON_HAND + 1, True, 2.5])
def test_a_count_that_is_not_a_whole_number_from_zero_is_invalid(on_hand: int) -> None:
    uow = FakeInventoryUnitOfWork({MUG: 10})

    for product in (MUG, PAN):
        with pytest.raises(InvalidInput) as refused:
            count(uow, product, on_hand)

        assert refused.value.errors == {"on_hand": ["A whole number >= 0."]}
    # Not even PAN's row, which looking at its stock had begun to create.
    assert counts(uow) == {MUG: (10, 0, 0)}
    assert uow.stock.ledger == []
    assert uow.outbox == []


def test_zero_is_a_count() -> None:
    uow = FakeInventoryUnitOfWork({MUG: 10})

    assert count(uow, MUG, 0).on_hand == 0
    assert counts(uow) == {MUG: (0, 0, 1)}


def test_a_count_below_the_reserved_units_is_a_conflict() -> None:
    uow = FakeInventoryUnitOfWork({MUG: 10})
    until = datetime(2026, 11, 25, 12, 15, tzinfo=UTC)
    reserve_stock(ReserveStock(ORDER, [(MUG, 3)], until), uow)

    with pytest.raises(Conflict) as refused:
        count(uow, MUG, 2)

    assert refused.value.code == "below-reserved"
    assert refused.value.detail == "3 units are reserved; on_hand cannot go below that."
    assert counts(uow) == {MUG: (10, 3, 1)}
    assert count(uow, MUG, 3).available == 0
    assert counts(uow) == {MUG: (3, 3, 2)}


def test_a_product_not_in_the_catalog_is_not_found_and_gets_no_stock() -> None:
    uow = FakeInventoryUnitOfWork()

    with pytest.raises(NotFound) as refused:
        count(uow, GHOST, 5)

    assert refused.value.detail == "No such product."
    assert counts(uow) == {}
    assert uow.outbox == []
