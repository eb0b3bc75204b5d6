"""Reserving, releasing and committing stock for orders, without a database."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from emporium.inventory.domain import reservation as rules
from emporium.inventory.domain.reservation import Reservation, ReservationStatus, lock_order
from emporium.inventory.domain.stock import MAX_ON_HAND, StockItem
from emporium.shared_kernel.errors import BusinessRuleViolation, Conflict, InvalidInput

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
HOLD = NOW + timedelta(minutes=15)
PRODUCT = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
ORDER = uuid.UUID("00000000-0000-0000-0000-0000000000b1")

Transition = Callable[[StockItem, Reservation], Reservation]


def stock(on_hand: int = 10, reserved: int = 0) -> StockItem:
    return StockItem(id=PRODUCT, on_hand=on_hand, reserved=reserved)


def counts(item: StockItem) -> tuple[int, int, int]:
    return item.on_hand, item.reserved, item.available


# --- StockItem --------------------------------------------------------------------------------


def test_reserve_sets_units_aside_and_records_stock_reserved() -> None:
    item = stock(on_hand=10, reserved=2)

    item.reserve(3, order_id=ORDER)

    assert counts(item) == (10, 5, 5)
    [event] = item.pull_events()
    assert event.type == "inventory.stock_reserved"
    assert event.payload() == {
        "product_id": str(PRODUCT),
        "quantity": 3,
        "on_hand": 10,
        "reserved": 5,
        "order_id": str(ORDER),
    }


def test_reserve_may_take_the_last_unit() -> None:
    item = stock(on_hand=10, reserved=9)

    item.reserve(1)

    assert counts(item) == (10, 10, 0)


def test_reserving_more_than_available_is_a_conflict_naming_the_product() -> None:
    item = stock(on_hand=10, reserved=8)

    with pytest.raises(Conflict) as refused:
        item.reserve(3)

    assert refused.value.code == "insufficient-stock"
    assert str(PRODUCT) in refused.value.detail
    assert "3 requested, 2 available" in refused.value.detail
    assert counts(item) == (10, 8, 2)
    assert item.pull_events() == []


@pytest.mark.parametrize("quantity", [0, -1, True, 1.0, "1", MAX_ON_HAND + 1])
@pytest.mark.parametrize("operation", ["reserve", "release", "commit"])
def test_quantities_are_whole_numbers_from_one(operation: str, quantity: object) -> None:
    item = stock(on_hand=10, reserved=5)

    with pytest.raises(InvalidInput) as refused:
        getattr(item, operation)(quantity)

    assert "quantity" in refused.value.errors
    assert counts(item) == (10, 5, 5)


def test_release_returns_units_to_sale_and_records_stock_released() -> None:
    item = stock(on_hand=10, reserved=5)

    item.release(3, order_id=ORDER)

    assert counts(item) == (10, 2, 8)
    [event] = item.pull_events()
    assert event.type == "inventory.stock_released"
    assert event.payload() == {
        "product_id": str(PRODUCT),
        "quantity": 3,
        "on_hand": 10,
        "reserved": 2,
        "order_id": str(ORDER),
    }


def test_commit_takes_units_out_of_on_hand_and_reserved_and_records_stock_committed() -> None:
    item = stock(on_hand=10, reserved=5)

    item.commit(3)

    # Available is unchanged: the units were already not for sale.
    assert counts(item) == (7, 2, 5)
    [event] = item.pull_events()
    assert event.type == "inventory.stock_committed"
    assert event.payload() == {
        "product_id": str(PRODUCT),
        "quantity": 3,
        "on_hand": 7,
        "reserved": 2,
        "order_id": None,
    }


@pytest.mark.parametrize("operation", ["release", "commit"])
def test_only_reserved_units_can_be_released_or_committed(operation: str) -> None:
    item = stock(on_hand=10, reserved=2)

    with pytest.raises(BusinessRuleViolation) as refused:
        getattr(item, operation)(3)

    assert refused.value.code == "not-reserved"
    assert counts(item) == (10, 2, 8)
    assert item.pull_events() == []


@pytest.mark.parametrize(("on_hand", "reserved"), [(5, 6), (-1, 0), (5, -1)])
def test_stock_cannot_be_built_outside_its_invariant(on_hand: int, reserved: int) -> None:
    with pytest.raises(ValueError, match="reserved <= on_hand"):
        StockItem(id=PRODUCT, on_hand=on_hand, reserved=reserved)


def test_events_number_every_movement() -> None:
    item = stock(on_hand=0)

    item.set_on_hand(5)
    item.reserve(2)
    item.release(1)
    item.commit(1)

    assert [(e.type, e.aggregate_version) for e in item.pull_events()] == [
        ("inventory.stock_adjusted", 1),
        ("inventory.stock_reserved", 2),
        ("inventory.stock_released", 3),
        ("inventory.stock_committed", 4),
    ]
    assert counts(item) == (4, 0, 4)


# --- Reservation ------------------------------------------------------------------------------


def test_reserve_returns_an_active_reservation_for_the_order_line() -> None:
    item = stock(on_hand=10)

    held = rules.reserve(item, ORDER, 4, HOLD)

    assert held == Reservation(
        order_id=ORDER,
        product_id=PRODUCT,
        quantity=4,
        expires_at=HOLD,
        status=ReservationStatus.ACTIVE,
    )
    assert counts(item) == (10, 4, 6)
    [event] = item.pull_events()
    assert event.payload()["order_id"] == str(ORDER)


def test_a_refused_reservation_holds_nothing() -> None:
    item = stock(on_hand=3)

    with pytest.raises(Conflict):
        rules.reserve(item, ORDER, 4, HOLD)

    assert counts(item) == (3, 0, 3)


def test_release_ends_the_reservation_and_returns_its_units() -> None:
    item = stock(on_hand=10)
    held = rules.reserve(item, ORDER, 4, HOLD)

    released = rules.release(item, held)

    assert released.status is ReservationStatus.RELEASED
    assert held.status is ReservationStatus.ACTIVE  # a value: the old one is unchanged
    assert counts(item) == (10, 0, 10)


def test_commit_ends_the_reservation_and_sells_its_units() -> None:
    item = stock(on_hand=10)
    held = rules.reserve(item, ORDER, 4, HOLD)

    committed = rules.commit(item, held)

    assert committed.status is ReservationStatus.COMMITTED
    assert counts(item) == (6, 0, 6)


def test_an_expired_reservation_not_yet_swept_can_still_be_committed() -> None:
    item = stock(on_hand=10)
    held = rules.reserve(item, ORDER, 4, HOLD)

    committed = rules.commit(item, held)

    assert held.is_expired(HOLD + timedelta(hours=1))
    assert committed.status is ReservationStatus.COMMITTED


@pytest.mark.parametrize("first", [rules.release, rules.commit])
@pytest.mark.parametrize("second", [rules.release, rules.commit])
def test_a_reservation_ends_once(first: Transition, second: Transition) -> None:
    item = stock(on_hand=10)
    # Another order's units keep reserved above zero, so only the transition can refuse.
    rules.reserve(item, uuid.uuid4(), 5, HOLD)
    held = rules.reserve(item, ORDER, 4, HOLD)
    ended = first(item, held)
    after_first = counts(item)

    with pytest.raises(BusinessRuleViolation) as refused:
        second(item, ended)

    assert refused.value.code == "reservation-not-active"
    assert counts(item) == after_first


def test_expire_releases_a_reservation_whose_time_has_come() -> None:
    item = stock(on_hand=10)
    held = rules.reserve(item, ORDER, 4, HOLD)

    after = rules.expire(item, held, HOLD)

    assert after.status is ReservationStatus.RELEASED
    assert counts(item) == (10, 0, 10)


def test_expire_leaves_a_reservation_still_in_time() -> None:
    item = stock(on_hand=10)
    held = rules.reserve(item, ORDER, 4, HOLD)
    item.pull_events()

    after = rules.expire(item, held, HOLD - timedelta(microseconds=1))

    assert after is held
    assert counts(item) == (10, 4, 6)
    assert item.pull_events() == []


def test_expire_leaves_an_ended_reservation_alone() -> None:
    item = stock(on_hand=10)
    committed = rules.commit(item, rules.reserve(item, ORDER, 4, HOLD))

    after = rules.expire(item, committed, HOLD + timedelta(days=1))

    assert after is committed
    assert counts(item) == (6, 0, 6)


def test_a_reservation_only_moves_its_own_products_stock() -> None:
    held = rules.reserve(stock(on_hand=10), ORDER, 4, HOLD)
    other = StockItem(id=uuid.uuid4(), on_hand=10, reserved=4)

    with pytest.raises(ValueError, match="not"):
        rules.release(other, held)

    assert counts(other) == (10, 4, 6)


@pytest.mark.parametrize("quantity", [0, -2, True])
def test_a_reservation_holds_at_least_one_unit(quantity: int) -> None:
    with pytest.raises((ValueError, TypeError)):
        Reservation(order_id=ORDER, product_id=PRODUCT, quantity=quantity, expires_at=HOLD)


def test_a_reservation_expires_at_an_aware_moment() -> None:
    with pytest.raises(ValueError, match="timezone"):
        Reservation(
            order_id=ORDER,
            product_id=PRODUCT,
            quantity=1,
            expires_at=datetime(2030, 1, 1, 12, 15),  # naive on purpose
        )


# --- lock order -------------------------------------------------------------------------------


def test_lock_order_is_ascending_and_distinct() -> None:
    a, b, c = (uuid.UUID(int=n) for n in (1, 2, 3))

    assert lock_order([c, a, b, a]) == [a, b, c]


def test_two_orders_over_the_same_products_lock_them_in_the_same_order() -> None:
    products = [uuid.uuid4() for _ in range(5)]

    assert lock_order(products) == lock_order(reversed(products))


def test_lock_order_matches_postgresqls_uuid_order() -> None:
    # PostgreSQL compares uuid values byte by byte (memcmp), i.e. as big-endian integers.
    low = uuid.UUID("0fffffff-ffff-ffff-ffff-ffffffffffff")
    high = uuid.UUID("f0000000-0000-0000-0000-000000000000")

    assert lock_order([high, low]) == [low, high]
    assert lock_order([high, low]) == sorted([high, low], key=lambda u: u.bytes)
