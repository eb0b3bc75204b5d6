"""Order rules, without a database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.domain.order import (
    MAX_QUANTITY,
    CancelReason,
    FulfilmentStatus,
    Order,
    OrderLine,
    OrderStatus,
)
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput
from emporium.shared_kernel.money import Money

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
HOLD = NOW + timedelta(minutes=15)
CUSTOMER = uuid.UUID("00000000-0000-0000-0000-00000000c001")
MUG = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
TEA = uuid.UUID("00000000-0000-0000-0000-0000000000a2")
PAYMENT = uuid.UUID("00000000-0000-0000-0000-0000000000f1")
ADDRESS = ShippingAddress("Ann Lee", "1 Quay St", "Flat 2", "Bristol", "BS1 4DJ", "GB")
ADDRESS_DOC = {
    "name": "Ann Lee",
    "line1": "1 Quay St",
    "line2": "Flat 2",
    "city": "Bristol",
    "postal_code": "BS1 4DJ",
    "country": "GB",
}
SHIPPED_AT = NOW + timedelta(hours=2)


def new_order(
    currency: str = "USD", tax_rate: str = "8.00", address: ShippingAddress | None = None
) -> Order:
    return Order(
        customer_id=CUSTOMER,
        currency=currency,
        tax_rate=Decimal(tax_rate),
        created_at=NOW,
        shipping_address=address,
    )


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def confirmed_order(address: ShippingAddress | None = None) -> Order:
    order = new_order(address=address)
    order.add_line(MUG, "Mug", usd("9.50"), 2)
    order.confirm(HOLD)
    order.pull_events()
    return order


def paid_order(address: ShippingAddress | None = None) -> Order:
    order = confirmed_order(address)
    order.mark_paid(PAYMENT, NOW + timedelta(minutes=5))
    order.pull_events()
    return order


def fulfilled_order() -> Order:
    order = paid_order()
    order.fulfil()
    order.pull_events()
    return order


def cancelled_order() -> Order:
    order = confirmed_order()
    order.cancel("customer")
    order.pull_events()
    return order


ORDERS_BY_STATUS = {
    OrderStatus.PENDING: new_order,
    OrderStatus.CONFIRMED: confirmed_order,
    OrderStatus.PAID: paid_order,
    OrderStatus.FULFILLED: fulfilled_order,
    OrderStatus.CANCELLED: cancelled_order,
}


def in_status(status: OrderStatus) -> Order:
    order = ORDERS_BY_STATUS[status]()
    assert order.status is status
    return order


# --- building ---------------------------------------------------------------------------------


def test_a_new_order_is_pending_empty_and_worth_nothing() -> None:
    order = new_order()

    assert order.status is OrderStatus.PENDING
    assert order.lines == ()
    assert (order.subtotal, order.tax, order.total) == (usd("0"), usd("0"), usd("0"))
    assert order.reserved_until is None
    assert order.pull_events() == []


def test_add_line_snapshots_name_and_price() -> None:
    order = new_order()

    line = order.add_line(MUG, "Mug", usd("9.50"), 2)

    assert order.lines == (OrderLine(MUG, "Mug", usd("9.50"), 2),)
    assert line.line_total == usd("19.00")
    assert order.subtotal == usd("19.00")
    assert order.pull_events() == []  # a pending order has nothing to tell yet


def test_lines_keep_the_order_they_were_added_in() -> None:
    order = new_order()

    order.add_line(TEA, "Tea", usd("4.00"), 1)
    order.add_line(MUG, "Mug", usd("9.50"), 3)

    assert [line.product_id for line in order.lines] == [TEA, MUG]
    assert order.subtotal == usd("32.50")


@pytest.mark.parametrize("quantity", [0, -1, True, False, 1.0, "2", None, MAX_QUANTITY + 1])
def test_quantity_must_be_a_positive_whole_number(quantity: object) -> None:
    order = new_order()

    with pytest.raises(InvalidInput) as refused:
        order.add_line(MUG, "Mug", usd("9.50"), quantity)  # type: ignore[arg-type]

    assert "quantity" in refused.value.errors
    assert order.lines == ()


def test_the_largest_quantity_is_accepted() -> None:
    order = new_order()

    order.add_line(MUG, "Mug", usd("0.01"), MAX_QUANTITY)

    assert order.subtotal == usd("10000000.00")


def test_a_product_appears_at_most_once() -> None:
    order = new_order()
    order.add_line(MUG, "Mug", usd("9.50"), 1)

    with pytest.raises(InvalidInput) as refused:
        order.add_line(MUG, "Mug", usd("9.50"), 2)

    assert refused.value.code == "repeated-product"
    assert str(MUG) in refused.value.detail
    assert order.lines == (OrderLine(MUG, "Mug", usd("9.50"), 1),)


def test_unit_price_must_be_in_the_orders_currency() -> None:
    order = new_order()

    with pytest.raises(InvalidInput) as refused:
        order.add_line(MUG, "Mug", Money.of("9.50", "EUR"), 1)

    assert "unit_price" in refused.value.errors
    assert order.lines == ()


def test_unit_price_cannot_be_negative() -> None:
    with pytest.raises(InvalidInput):
        new_order().add_line(MUG, "Mug", usd("-0.01"), 1)


def test_a_line_needs_a_name() -> None:
    with pytest.raises(InvalidInput):
        new_order().add_line(MUG, "  ", usd("1.00"), 1)


@pytest.mark.parametrize(
    "status",
    [OrderStatus.CONFIRMED, OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.CANCELLED],
)
def test_lines_are_added_only_while_pending(status: OrderStatus) -> None:
    order = in_status(status)

    with pytest.raises(BusinessRuleViolation) as refused:
        order.add_line(TEA, "Tea", usd("4.00"), 1)

    assert refused.value.code == "not-editable"
    assert [line.product_id for line in order.lines] == [MUG]


@pytest.mark.parametrize("currency", ["XXX", "usd", ""])
def test_currency_must_be_known(currency: str) -> None:
    with pytest.raises(InvalidInput):
        new_order(currency=currency)


@pytest.mark.parametrize("rate", [Decimal("-0.01"), Decimal("100.01"), Decimal("NaN"), 8.0, 8])
def test_tax_rate_is_a_decimal_percentage_from_0_to_100(rate: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        Order(customer_id=CUSTOMER, currency="USD", tax_rate=rate, created_at=NOW)  # type: ignore[arg-type]

    assert "tax_rate" in refused.value.errors


def test_created_at_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="created_at"):
        Order(
            customer_id=CUSTOMER,
            currency="USD",
            tax_rate=Decimal(8),
            created_at=datetime(2030, 1, 1, 12, 0),  # naive on purpose
        )


# --- tax --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "rate", "price", "quantity", "subtotal", "tax", "total"),
    [
        # 1.05 x 8 % = 0.084 -> 0.08.
        ("USD", "8.00", "0.35", 3, "1.05", "0.08", "1.13"),
        # Half-way cases go to the even cent: 0.025 -> 0.02 (half-up would give 0.03) ...
        ("USD", "10", "0.25", 1, "0.25", "0.02", "0.27"),
        # ... and 0.035 -> 0.04.
        ("USD", "10", "0.35", 1, "0.35", "0.04", "0.39"),
        # A fractional rate: 10.00 x 7.25 % = 0.725 -> 0.72.
        ("USD", "7.25", "10.00", 1, "10.00", "0.72", "10.72"),
        ("USD", "0", "9.99", 1, "9.99", "0.00", "9.99"),
        ("USD", "100", "9.99", 1, "9.99", "9.99", "19.98"),
        # Yen have no minor digits: 999 x 8 % = 79.92 -> 80.
        ("JPY", "8.00", "333", 3, "999", "80", "1079"),
        # 2.5 yen -> 2, 3.5 yen -> 4.
        ("JPY", "10", "25", 1, "25", "2", "27"),
        ("JPY", "10", "35", 1, "35", "4", "39"),
        # Dinars have three: 2.510 x 8 % = 0.2008 -> 0.201.
        ("KWD", "8.00", "1.255", 2, "2.510", "0.201", "2.711"),
        # 0.0005 -> 0.000 and 0.0015 -> 0.002.
        ("KWD", "5", "0.010", 1, "0.010", "0.000", "0.010"),
        ("KWD", "5", "0.030", 1, "0.030", "0.002", "0.032"),
    ],
)
def test_tax_is_rounded_half_even_to_the_minor_unit(
    currency: str,
    rate: str,
    price: str,
    quantity: int,
    subtotal: str,
    tax: str,
    total: str,
) -> None:
    order = new_order(currency=currency, tax_rate=rate)

    order.add_line(MUG, "Mug", Money.of(price, currency), quantity)

    assert str(order.subtotal) == subtotal
    assert str(order.tax) == tax
    assert str(order.total) == total


def test_tax_is_on_the_subtotal_not_rounded_per_line() -> None:
    order = new_order(tax_rate="8.00")

    # Per line: 0.35 x 8 % = 0.028 -> 0.03, three times 0.09. On the subtotal: 1.05 -> 0.08.
    order.add_line(MUG, "Mug", usd("0.35"), 1)
    order.add_line(TEA, "Tea", usd("0.35"), 1)
    order.add_line(uuid.uuid4(), "Spoon", usd("0.35"), 1)

    assert order.tax == usd("0.08")


# --- confirm ----------------------------------------------------------------------------------


def test_confirm_places_the_order_and_records_order_placed() -> None:
    order = new_order()
    order.add_line(MUG, "Mug", usd("9.50"), 2)
    order.add_line(TEA, "Tea", usd("0.35"), 3)

    order.confirm(HOLD)

    assert order.status is OrderStatus.CONFIRMED
    assert order.reserved_until == HOLD
    [event] = order.pull_events()
    assert (event.type, event.aggregate_id, event.aggregate_version) == (
        "ordering.order_placed",
        str(order.id),
        1,
    )
    assert event.payload() == {
        "customer_id": str(CUSTOMER),
        "currency": "USD",
        "lines": [
            {
                "product_id": str(MUG),
                "name": "Mug",
                "quantity": 2,
                "unit_price": {"amount": "9.50", "currency": "USD"},
                "line_total": {"amount": "19.00", "currency": "USD"},
            },
            {
                "product_id": str(TEA),
                "name": "Tea",
                "quantity": 3,
                "unit_price": {"amount": "0.35", "currency": "USD"},
                "line_total": {"amount": "1.05", "currency": "USD"},
            },
        ],
        "tax_rate": "8.00",
        "shipping_address": None,
        "subtotal": {"amount": "20.05", "currency": "USD"},
        # 20.05 x 8 % = 1.604 -> 1.60.
        "tax": {"amount": "1.60", "currency": "USD"},
        "total": {"amount": "21.65", "currency": "USD"},
        "reserved_until": "2030-01-01T12:15:00Z",
    }


def test_confirm_needs_lines() -> None:
    order = new_order()

    with pytest.raises(InvalidInput) as refused:
        order.confirm(HOLD)

    assert "items" in refused.value.errors
    assert order.status is OrderStatus.PENDING
    assert order.pull_events() == []


def test_confirm_needs_a_positive_total() -> None:
    order = new_order()
    order.add_line(MUG, "Free mug", usd("0.00"), 1)

    with pytest.raises(BusinessRuleViolation) as refused:
        order.confirm(HOLD)

    assert refused.value.code == "non-positive-total"
    assert (order.status, order.reserved_until) == (OrderStatus.PENDING, None)
    assert order.pull_events() == []


def test_confirm_needs_an_aware_reserved_until() -> None:
    order = new_order()
    order.add_line(MUG, "Mug", usd("1.00"), 1)

    with pytest.raises(ValueError, match="reserved_until"):
        order.confirm(datetime(2030, 1, 1, 12, 15))  # naive on purpose

    assert order.status is OrderStatus.PENDING


@pytest.mark.parametrize(
    "status",
    [OrderStatus.CONFIRMED, OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.CANCELLED],
)
def test_an_order_is_placed_once(status: OrderStatus) -> None:
    order = in_status(status)

    with pytest.raises(BusinessRuleViolation) as refused:
        order.confirm(HOLD + timedelta(hours=1))

    assert refused.value.code == "already-placed"
    assert (order.status, order.reserved_until) == (status, HOLD)
    assert order.pull_events() == []


# --- cancel -----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["customer", "staff", "expired", CancelReason.STAFF])
def test_cancel_a_confirmed_order_records_order_cancelled(reason: str) -> None:
    order = confirmed_order()

    order.cancel(reason)

    assert order.status is OrderStatus.CANCELLED
    assert order.cancel_reason == CancelReason(reason)
    [event] = order.pull_events()
    assert (event.type, event.aggregate_version) == ("ordering.order_cancelled", 2)
    assert event.payload() == {
        "customer_id": str(CUSTOMER),
        "reason": str(reason),
        "lines": [
            {
                "product_id": str(MUG),
                "name": "Mug",
                "quantity": 2,
                "unit_price": {"amount": "9.50", "currency": "USD"},
                "line_total": {"amount": "19.00", "currency": "USD"},
            }
        ],
        "total": {"amount": "20.52", "currency": "USD"},
    }


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.CANCELLED],
)
def test_only_a_confirmed_order_can_be_cancelled(status: OrderStatus) -> None:
    order = in_status(status)

    with pytest.raises(BusinessRuleViolation) as refused:
        order.cancel("customer")

    assert refused.value.code == "not-cancellable"
    assert order.status is status
    assert order.pull_events() == []


def test_cancel_refuses_an_unknown_reason() -> None:
    order = confirmed_order()

    with pytest.raises(ValueError, match="whim"):
        order.cancel("whim")

    assert order.status is OrderStatus.CONFIRMED


# --- pay and fulfil ---------------------------------------------------------------------------


def test_mark_paid_of_an_order_without_address_records_only_order_paid() -> None:
    order = confirmed_order()

    order.mark_paid(PAYMENT, NOW)

    assert [(e.type, e.aggregate_version) for e in order.pull_events()] == [
        ("ordering.order_paid", 2)
    ]
    assert order.fulfilment_status is None


def test_mark_paid_records_order_paid_and_fulfilment_requested() -> None:
    order = confirmed_order(ADDRESS)
    at = NOW + timedelta(minutes=5)

    order.mark_paid(PAYMENT, at)

    assert (order.status, order.payment_id, order.paid_at) == (OrderStatus.PAID, PAYMENT, at)
    paid, fulfilment = order.pull_events()
    assert (paid.type, paid.aggregate_version) == ("ordering.order_paid", 2)
    assert paid.payload() == {
        "customer_id": str(CUSTOMER),
        "payment_id": str(PAYMENT),
        "total": {"amount": "20.52", "currency": "USD"},
        "paid_at": "2030-01-01T12:05:00Z",
    }
    assert (fulfilment.type, fulfilment.aggregate_version) == (
        "ordering.fulfilment_requested",
        3,
    )
    assert fulfilment.payload() == {
        "customer_id": str(CUSTOMER),
        "lines": [
            {
                "product_id": str(MUG),
                "name": "Mug",
                "quantity": 2,
                "unit_price": {"amount": "9.50", "currency": "USD"},
                "line_total": {"amount": "19.00", "currency": "USD"},
            }
        ],
        "shipping_address": ADDRESS_DOC,
    }
    assert order.fulfilment_status is FulfilmentStatus.REQUESTED


def test_a_confirmed_order_is_paid_up_to_just_before_reserved_until() -> None:
    order = confirmed_order()

    order.mark_paid(PAYMENT, HOLD - timedelta(microseconds=1))

    assert order.status is OrderStatus.PAID


@pytest.mark.parametrize("late", [timedelta(0), timedelta(seconds=1), timedelta(days=3)])
def test_a_payment_at_or_after_reserved_until_is_refused_whatever_the_sweep(late) -> None:
    order = confirmed_order()

    with pytest.raises(BusinessRuleViolation) as refused:
        order.mark_paid(PAYMENT, HOLD + late)

    assert refused.value.code == "reservation-expired"
    assert (order.status, order.payment_id, order.pull_events()) == (
        OrderStatus.CONFIRMED,
        None,
        [],
    )


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.CANCELLED],
)
def test_only_a_confirmed_order_can_be_paid(status: OrderStatus) -> None:
    order = in_status(status)
    payment_before = order.payment_id

    with pytest.raises(BusinessRuleViolation) as refused:
        order.mark_paid(uuid.uuid4(), NOW)

    assert refused.value.code == "not-payable"
    assert (order.status, order.payment_id) == (status, payment_before)
    assert order.pull_events() == []


def test_fulfil_a_paid_order_records_order_fulfilled() -> None:
    order = paid_order()

    order.fulfil()

    assert order.status is OrderStatus.FULFILLED
    [event] = order.pull_events()
    assert (event.type, event.aggregate_version) == ("ordering.order_fulfilled", 3)
    assert event.payload() == {
        "customer_id": str(CUSTOMER),
        "carrier": None,
        "tracking_number": None,
        "shipped_at": None,
    }


def test_staff_cannot_fulfil_an_order_sent_to_the_service() -> None:
    order = paid_order(ADDRESS)

    with pytest.raises(BusinessRuleViolation) as refused:
        order.fulfil()

    assert refused.value.code == "fulfilled-by-service"
    assert (order.status, order.pull_events()) == (OrderStatus.PAID, [])


def test_record_shipment_fulfils_the_order_with_carrier_and_tracking_number() -> None:
    order = paid_order(ADDRESS)

    assert order.record_shipment("Parcelforce Sim", "PF123", SHIPPED_AT) is True

    assert (order.status, order.fulfilment_status) == (
        OrderStatus.FULFILLED,
        FulfilmentStatus.SHIPPED,
    )
    assert (order.carrier, order.tracking_number, order.shipped_at) == (
        "Parcelforce Sim",
        "PF123",
        SHIPPED_AT,
    )
    [event] = order.pull_events()
    assert (event.type, event.aggregate_version) == ("ordering.order_fulfilled", 4)
    assert event.payload() == {
        "customer_id": str(CUSTOMER),
        "carrier": "Parcelforce Sim",
        "tracking_number": "PF123",
        "shipped_at": "2030-01-01T14:00:00Z",
    }


def test_the_same_shipment_reported_again_changes_nothing() -> None:
    order = paid_order(ADDRESS)
    order.record_shipment("Parcelforce Sim", "PF123", SHIPPED_AT)
    order.pull_events()

    assert order.record_shipment("Parcelforce Sim", "PF123", SHIPPED_AT) is False

    assert (order.version, order.pull_events()) == (4, [])


def test_a_second_tracking_number_for_a_shipped_order_is_refused() -> None:
    order = paid_order(ADDRESS)
    order.record_shipment("Parcelforce Sim", "PF123", SHIPPED_AT)

    with pytest.raises(BusinessRuleViolation) as refused:
        order.record_shipment("Parcelforce Sim", "PF999", SHIPPED_AT)

    assert (refused.value.code, order.tracking_number) == ("already-shipped", "PF123")


def test_a_shipment_of_an_order_never_sent_is_refused() -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        paid_order().record_shipment("Parcelforce Sim", "PF123", SHIPPED_AT)

    assert refused.value.code == "no-shipment-requested"


def test_a_shipment_of_a_refunded_order_leaves_it_refunded() -> None:
    order = paid_order(ADDRESS)
    order.record_refund(
        payment_id=PAYMENT,
        refund_id=uuid.uuid4(),
        amount=order.total,
        refunded_total=order.total,
        at=NOW + timedelta(minutes=10),
    )
    order.pull_events()

    assert order.record_shipment("Parcelforce Sim", "PF123", SHIPPED_AT) is False

    assert (order.status, order.pull_events()) == (OrderStatus.REFUNDED, [])


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.FULFILLED, OrderStatus.CANCELLED],
)
def test_only_a_paid_order_can_be_fulfilled(status: OrderStatus) -> None:
    order = in_status(status)

    with pytest.raises(BusinessRuleViolation) as refused:
        order.fulfil()

    assert refused.value.code == "not-fulfillable"
    assert order.status is status
    assert order.pull_events() == []


# --- expire -----------------------------------------------------------------------------------


def test_expire_cancels_a_confirmed_order_at_reserved_until() -> None:
    order = confirmed_order()

    expired = order.expire(HOLD)

    assert expired is True
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, CancelReason.EXPIRED)
    [event] = order.pull_events()
    assert event.type == "ordering.order_cancelled"
    assert event.payload()["reason"] == "expired"


def test_expire_leaves_a_reservation_that_has_not_run_out() -> None:
    order = confirmed_order()

    expired = order.expire(HOLD - timedelta(microseconds=1))

    assert expired is False
    assert (order.status, order.cancel_reason) == (OrderStatus.CONFIRMED, None)
    assert order.pull_events() == []


@pytest.mark.parametrize(
    "status",
    [OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.FULFILLED, OrderStatus.CANCELLED],
)
def test_expire_touches_no_other_status(status: OrderStatus) -> None:
    order = in_status(status)
    reason_before = order.cancel_reason

    expired = order.expire(HOLD + timedelta(days=365))

    assert expired is False
    assert (order.status, order.cancel_reason) == (status, reason_before)
    assert order.pull_events() == []


def test_expire_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="now"):
        confirmed_order().expire(datetime(2030, 1, 2))  # naive on purpose


def test_a_whole_life_numbers_its_events_from_one() -> None:
    order = new_order()
    order.add_line(MUG, "Mug", usd("9.50"), 1)

    order.confirm(HOLD)
    order.mark_paid(PAYMENT, NOW)
    order.fulfil()

    assert [(e.type, e.aggregate_version) for e in order.pull_events()] == [
        ("ordering.order_placed", 1),
        ("ordering.order_paid", 2),
        ("ordering.order_fulfilled", 3),
    ]
    assert order.version == 3


def test_a_shipped_life_numbers_its_events_from_one() -> None:
    order = new_order(address=ADDRESS)
    order.add_line(MUG, "Mug", usd("9.50"), 1)

    order.confirm(HOLD)
    order.mark_paid(PAYMENT, NOW)
    order.record_shipment("Parcelforce Sim", "PF123", SHIPPED_AT)

    assert [(e.type, e.aggregate_version) for e in order.pull_events()] == [
        ("ordering.order_placed", 1),
        ("ordering.order_paid", 2),
        ("ordering.fulfilment_requested", 3),
        ("ordering.order_fulfilled", 4),
    ]
    assert order.version == 4
