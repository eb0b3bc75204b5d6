"""Refunds on the order: a full refund makes it refunded, a partial one leaves it paid."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from emporium.ordering.domain.order import OrderStatus
from emporium.shared_kernel.errors import BusinessRuleViolation
from tests.unit.ordering.test_order import NOW, PAYMENT, confirmed_order, paid_order, usd

REFUND = uuid.UUID("00000000-0000-0000-0000-0000000000e1")
LATER = NOW + timedelta(days=2)


def test_a_full_refund_makes_a_paid_order_refunded() -> None:
    order = paid_order()  # 2 mugs at 9.50 with 8 % tax: 20.52

    fully = order.record_refund(
        payment_id=PAYMENT,
        refund_id=REFUND,
        amount=usd("20.52"),
        refunded_total=usd("20.52"),
        at=LATER,
        restock=True,
    )

    assert fully is True
    assert order.status is OrderStatus.REFUNDED
    [event] = order.pull_events()
    assert event.type == "ordering.order_refunded"
    assert event.payload() == {
        "customer_id": str(order.customer_id),
        "payment_id": str(PAYMENT),
        "refund_id": str(REFUND),
        "amount": {"amount": "20.52", "currency": "USD"},
        "refunded_total": {"amount": "20.52", "currency": "USD"},
        "fully": True,
        "restocked": True,
        "refunded_at": "2030-01-03T12:00:00Z",
    }


def test_a_partial_refund_leaves_the_order_paid_and_the_rest_completes_it() -> None:
    order = paid_order()

    first = order.record_refund(
        payment_id=PAYMENT,
        refund_id=uuid.uuid4(),
        amount=usd("5.00"),
        refunded_total=usd("5.00"),
        at=LATER,
    )
    assert (first, order.status) == (False, OrderStatus.PAID)
    second = order.record_refund(
        payment_id=PAYMENT,
        refund_id=uuid.uuid4(),
        amount=usd("15.52"),
        refunded_total=usd("20.52"),
        at=LATER,
    )

    assert (second, order.status) == (True, OrderStatus.REFUNDED)
    assert [e.payload()["fully"] for e in order.pull_events()] == [False, True]


def test_a_fulfilled_order_can_be_refunded_too() -> None:
    order = paid_order()
    order.fulfil()

    order.record_refund(
        payment_id=PAYMENT,
        refund_id=REFUND,
        amount=usd("20.52"),
        refunded_total=usd("20.52"),
        at=LATER,
    )

    assert order.status is OrderStatus.REFUNDED


def test_restocking_needs_the_refund_that_completes_the_total() -> None:
    order = paid_order()

    with pytest.raises(BusinessRuleViolation) as refused:
        order.record_refund(
            payment_id=PAYMENT,
            refund_id=REFUND,
            amount=usd("5.00"),
            refunded_total=usd("5.00"),
            at=LATER,
            restock=True,
        )

    assert refused.value.code == "restock-needs-full-refund"
    assert (order.status, order.pull_events()) == (OrderStatus.PAID, [])


@pytest.mark.parametrize("build", [confirmed_order, "refunded", "cancelled"])
def test_only_a_paid_or_fulfilled_order_takes_a_refund(build) -> None:
    if build == "refunded":
        order = paid_order()
        order.record_refund(
            payment_id=PAYMENT,
            refund_id=REFUND,
            amount=usd("20.52"),
            refunded_total=usd("20.52"),
            at=LATER,
        )
        order.pull_events()
    elif build == "cancelled":
        order = confirmed_order()
        order.cancel("customer")
        order.pull_events()
    else:
        order = build()
    status = order.status

    with pytest.raises(BusinessRuleViolation) as refused:
        order.record_refund(
            payment_id=PAYMENT,
            refund_id=uuid.uuid4(),
            amount=usd("1.00"),
            refunded_total=usd("1.00"),
            at=LATER,
        )

    assert refused.value.code == "not-refundable"
    assert (order.status, order.pull_events()) == (status, [])


@pytest.mark.parametrize(
    ("amount", "total"), [("0.00", "0.00"), ("5.00", "4.00"), ("1.00", "20.53")]
)
def test_amounts_that_do_not_fit_the_total_are_a_bug_of_the_caller(amount, total) -> None:
    order = paid_order()

    with pytest.raises(ValueError, match="does not fit"):
        order.record_refund(
            payment_id=PAYMENT,
            refund_id=REFUND,
            amount=usd(amount),
            refunded_total=usd(total),
            at=LATER,
        )


def test_a_refund_of_another_payment_is_refused() -> None:
    order = paid_order()

    with pytest.raises(ValueError, match="did not pay"):
        order.record_refund(
            payment_id=uuid.uuid4(),
            refund_id=REFUND,
            amount=usd("1.00"),
            refunded_total=usd("1.00"),
            at=LATER,
        )
