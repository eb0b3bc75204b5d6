"""pay_order on in-memory fakes of its ports: capture the order's total, or record the refusal."""

from __future__ import annotations

from uuid import UUID

import pytest

from emporium.payments.domain.payment import PaymentStatus
from emporium.shared_kernel.errors import (
    BusinessRuleViolation,
    DependencyUnavailable,
    Forbidden,
    InvalidInput,
    NotFound,
    PaymentRequired,
)
from tests.fakes.payments import NO_FUNDS_TOKEN, TIMEOUT_TOKEN, InMemoryOrders
from tests.unit.payments.checkout import (
    CUSTOMER,
    NOW,
    ORDER,
    OTHER_CUSTOMER,
    STAFF,
    TOTAL,
    Checkout,
    usd,
)


def assert_nothing_recorded(checkout: Checkout) -> None:
    assert checkout.uow.payments.rows == {}
    assert checkout.orders.rows[ORDER].status == "confirmed"
    assert checkout.orders.payment_of(ORDER) is None
    assert checkout.card.captures == {}
    assert checkout.uow.outbox == []


def test_a_capture_records_the_payment_and_marks_the_order_paid() -> None:
    checkout = Checkout()

    payment = checkout.pay()

    assert (payment.order_id, payment.customer_id, payment.method) == (ORDER, CUSTOMER, "card")
    assert (payment.status, payment.amount, payment.created_at) == (
        PaymentStatus.CAPTURED,
        TOTAL,
        NOW,
    )
    assert (payment.transaction_id, payment.brand, payment.last4) == ("txn_1", "visa", "4242")
    assert list(checkout.uow.payments.rows) == [payment.id]
    assert checkout.uow.payments.rows[payment.id].status is PaymentStatus.CAPTURED
    assert checkout.orders.rows[ORDER].status == "paid"
    assert checkout.orders.payment_of(ORDER) == payment.id
    # The amount is the order's total: the command carries none.
    assert checkout.card.captures == {"txn_1": TOTAL}
    assert checkout.events() == [
        (
            "payments.payment_captured",
            str(payment.id),
            {
                "order_id": str(ORDER),
                "method": "card",
                "amount": {"amount": "58.21", "currency": "USD"},
                "brand": "visa",
                "last4": "4242",
            },
        )
    ]


def test_a_declined_capture_is_recorded_and_raised_as_payment_required() -> None:
    checkout = Checkout()

    with pytest.raises(PaymentRequired) as refused:
        checkout.pay({"token": NO_FUNDS_TOKEN})

    assert (refused.value.code, refused.value.detail) == (
        "insufficient-funds",
        "Insufficient funds.",
    )
    [payment] = checkout.uow.payments.rows.values()
    assert (payment.status, payment.amount, payment.transaction_id) == (
        PaymentStatus.DECLINED,
        TOTAL,
        "",
    )
    assert (payment.brand, payment.last4, payment.created_at) == ("visa", "4242", NOW)
    assert checkout.orders.rows[ORDER].status == "confirmed"
    assert checkout.orders.payment_of(ORDER) is None
    assert checkout.card.captures == {}
    assert checkout.events() == [
        (
            "payments.payment_declined",
            str(payment.id),
            {
                "order_id": str(ORDER),
                "method": "card",
                "amount": {"amount": "58.21", "currency": "USD"},
                "reason": "insufficient-funds",
            },
        )
    ]


def test_a_declined_order_can_be_paid_again() -> None:
    checkout = Checkout()
    with pytest.raises(PaymentRequired):
        checkout.pay({"token": NO_FUNDS_TOKEN})

    payment = checkout.pay()

    assert sorted(p.status for p in checkout.uow.payments.rows.values()) == [
        PaymentStatus.CAPTURED,
        PaymentStatus.DECLINED,
    ]
    assert checkout.orders.payment_of(ORDER) == payment.id
    assert [t for t, _, _ in checkout.events()] == [
        "payments.payment_declined",
        "payments.payment_captured",
    ]


@pytest.mark.parametrize("outage", ["timeout", "down"])
def test_an_unanswered_capture_is_recorded_as_failed_and_is_a_503(outage: str) -> None:
    checkout = Checkout()
    checkout.card.down = outage == "down"

    with pytest.raises(DependencyUnavailable) as refused:
        checkout.pay({"token": TIMEOUT_TOKEN} if outage == "timeout" else None)

    assert (refused.value.code, refused.value.retry_after) == ("payment-provider-unavailable", 30)
    assert refused.value.detail == (
        "The payment provider did not answer; nothing was captured. Retry later."
    )
    [payment] = checkout.uow.payments.rows.values()
    assert (payment.status, payment.amount, payment.transaction_id) == (
        PaymentStatus.FAILED,
        TOTAL,
        "",
    )
    assert checkout.orders.rows[ORDER].status == "confirmed"
    assert checkout.card.captures == {}
    assert checkout.uow.outbox == []  # a failed attempt records no event


def test_another_customers_order_is_not_found() -> None:
    checkout = Checkout()

    with pytest.raises(NotFound) as refused:
        checkout.pay(payer=OTHER_CUSTOMER)

    assert refused.value.detail == "No such order."
    assert_nothing_recorded(checkout)


def test_an_unknown_order_is_not_found() -> None:
    checkout = Checkout()

    with pytest.raises(NotFound):
        checkout.pay(order=UUID("0a000000-0000-4000-8000-0000000000ff"))

    assert_nothing_recorded(checkout)


def test_the_shops_staff_see_the_order_but_may_not_pay_it() -> None:
    checkout = Checkout()

    with pytest.raises(Forbidden) as refused:
        checkout.pay(payer=STAFF, manages_shop=True)

    assert refused.value.detail == "Only the order's customer may pay it."
    assert_nothing_recorded(checkout)


@pytest.mark.parametrize(
    ("enabled", "method"), [({"paypal"}, "card"), ({"card", "paypal"}, "paypal")]
)
def test_a_method_the_shop_does_not_take_or_has_not_installed_is_refused(
    enabled: set[str], method: str
) -> None:
    checkout = Checkout()
    checkout.enabled = enabled

    with pytest.raises(BusinessRuleViolation) as refused:
        checkout.pay(method=method)

    assert refused.value.code == "payment-method-not-enabled"
    assert refused.value.detail == f"This shop does not accept the payment method {method!r}."
    assert_nothing_recorded(checkout)


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, {"token": ["This field is required."]}),
        ({"token": "tok_forged"}, {"token": ["Unknown token."]}),
    ],
)
def test_payment_data_the_provider_refuses_is_invalid_input(
    data: dict[str, str], errors: dict[str, list[str]]
) -> None:
    checkout = Checkout()

    with pytest.raises(InvalidInput) as refused:
        checkout.pay(data)

    assert refused.value.errors == errors
    assert_nothing_recorded(checkout)


@pytest.mark.parametrize("status", ["paid", "cancelled", "fulfilled"])
def test_only_a_confirmed_order_can_be_paid(status: str) -> None:
    checkout = Checkout(status)

    with pytest.raises(BusinessRuleViolation) as refused:
        checkout.pay()

    assert refused.value.code == "not-payable"
    assert refused.value.detail == f"Only a confirmed order can be paid; this one is {status}."
    assert checkout.uow.payments.rows == {}
    assert checkout.card.captures == {}


def test_a_paid_order_is_not_paid_twice() -> None:
    checkout = Checkout()
    first = checkout.pay()

    with pytest.raises(BusinessRuleViolation, match="this one is paid"):
        checkout.pay()

    assert list(checkout.uow.payments.rows) == [first.id]
    assert checkout.card.captures == {"txn_1": TOTAL}


class OrdersThatFailToRecord(InMemoryOrders):
    def mark_paid(self, order_id: UUID, payment_id: UUID) -> None:
        raise RuntimeError("ordering could not record the payment")


def test_a_capture_the_order_cannot_record_is_refunded_and_nothing_is_kept() -> None:
    checkout = Checkout()
    checkout.orders = OrdersThatFailToRecord(checkout.uow, dict(checkout.orders.rows))

    with pytest.raises(RuntimeError, match="could not record"):
        checkout.pay()

    assert checkout.card.captures == {"txn_1": TOTAL}
    assert checkout.card.refunds == [("txn_1", usd("58.21"))]
    assert checkout.uow.payments.rows == {}
    assert checkout.orders.rows[ORDER].status == "confirmed"
    assert checkout.uow.outbox == []
