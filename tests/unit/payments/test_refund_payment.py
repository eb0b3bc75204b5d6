"""refund_payment on in-memory fakes of its ports: part or all of what is left, never more."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from emporium.payments.application.refund_payment import Refund, RefundPayment, refund_payment
from emporium.payments.domain.payment import Payment, PaymentStatus
from emporium.shared_kernel.errors import (
    BusinessRuleViolation,
    DependencyUnavailable,
    NotFound,
    PaymentRequired,
)
from emporium.shared_kernel.money import Money
from tests.fakes.payments import NO_FUNDS_TOKEN
from tests.unit.payments.checkout import NOW, ORDER, TOTAL, Checkout, usd

LATER = NOW + timedelta(days=2)


def refund(checkout: Checkout, payment_id: UUID, amount: Money | None) -> Refund:
    return refund_payment(
        RefundPayment(payment_id, amount),
        checkout.uow,
        checkout.orders,
        checkout.providers,
        lambda: LATER,
    )


def paid() -> tuple[Checkout, Payment]:
    checkout = Checkout()
    return checkout, checkout.pay()


def stored(checkout: Checkout, payment: Payment) -> tuple[PaymentStatus, Money, Money, int]:
    row = checkout.uow.payments.rows[payment.id]
    return row.status, row.refunded, row.refundable, row.version


def assert_nothing_refunded(checkout: Checkout, payment: Payment) -> None:
    assert stored(checkout, payment) == (PaymentStatus.CAPTURED, usd("0.00"), TOTAL, 1)
    assert checkout.card.refunds == []
    assert [t for t, _, _ in checkout.events()] == ["payments.payment_captured"]


def test_a_partial_refund_returns_that_amount_and_leaves_the_rest() -> None:
    checkout, payment = paid()

    done = refund(checkout, payment.id, usd("20.00"))

    assert (done.amount, done.at) == (usd("20.00"), LATER)
    assert (done.payment.id, done.payment.status) == (payment.id, PaymentStatus.PARTIALLY_REFUNDED)
    assert stored(checkout, payment) == (
        PaymentStatus.PARTIALLY_REFUNDED,
        usd("20.00"),
        usd("38.21"),
        2,
    )
    assert checkout.card.refunds == [("txn_1", usd("20.00"))]
    refunded = checkout.uow.outbox[-1]
    assert (refunded.id, refunded.type, refunded.aggregate_version) == (
        done.id,
        "payments.payment_refunded",
        2,
    )
    assert refunded.occurred_at == LATER
    assert refunded.payload == {
        "order_id": str(ORDER),
        "amount": {"amount": "20.00", "currency": "USD"},
        "refunded_amount": {"amount": "20.00", "currency": "USD"},
    }


def test_without_an_amount_everything_left_is_refunded() -> None:
    checkout, payment = paid()

    done = refund(checkout, payment.id, None)

    assert done.amount == TOTAL
    assert stored(checkout, payment) == (PaymentStatus.REFUNDED, TOTAL, usd("0.00"), 2)
    assert checkout.card.refunds == [("txn_1", TOTAL)]


def test_the_rest_after_a_partial_refund_completes_it() -> None:
    checkout, payment = paid()
    refund(checkout, payment.id, usd("20.00"))

    done = refund(checkout, payment.id, None)

    assert done.amount == usd("38.21")
    assert stored(checkout, payment) == (PaymentStatus.REFUNDED, TOTAL, usd("0.00"), 3)
    assert checkout.card.refunds == [("txn_1", usd("20.00")), ("txn_1", usd("38.21"))]
    assert [e.payload["refunded_amount"]["amount"] for e in checkout.uow.outbox[1:]] == [
        "20.00",
        "58.21",
    ]


def test_more_than_is_left_is_refused_and_nothing_is_refunded() -> None:
    checkout, payment = paid()

    with pytest.raises(BusinessRuleViolation) as refused:
        refund(checkout, payment.id, usd("58.22"))

    assert refused.value.code == "refund-exceeds-capture"
    assert refused.value.detail == "Only 58.21 is left to refund of this payment."
    assert_nothing_refunded(checkout, payment)


def test_more_than_is_left_after_a_partial_refund_is_refused() -> None:
    checkout, payment = paid()
    refund(checkout, payment.id, usd("50.00"))

    with pytest.raises(BusinessRuleViolation) as refused:
        refund(checkout, payment.id, usd("10.00"))

    assert refused.value.detail == "Only 8.21 is left to refund of this payment."
    assert stored(checkout, payment)[:2] == (PaymentStatus.PARTIALLY_REFUNDED, usd("50.00"))
    assert checkout.card.refunds == [("txn_1", usd("50.00"))]


def test_a_refunded_payment_is_not_refunded_again() -> None:
    checkout, payment = paid()
    refund(checkout, payment.id, None)

    with pytest.raises(BusinessRuleViolation) as refused:
        refund(checkout, payment.id, usd("1.00"))

    assert refused.value.code == "not-refundable"
    assert refused.value.detail == "Only a captured payment can be refunded; this one is refunded."
    assert checkout.card.refunds == [("txn_1", TOTAL)]


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (usd("0.00"), "refund-amount"),
        (usd("-1.00"), "refund-amount"),
        (Money.of("1.00", "EUR"), "refund-currency"),
    ],
)
def test_a_refund_of_nothing_or_in_another_currency_is_refused(amount: Money, code: str) -> None:
    checkout, payment = paid()

    with pytest.raises(BusinessRuleViolation) as refused:
        refund(checkout, payment.id, amount)

    assert refused.value.code == code
    assert_nothing_refunded(checkout, payment)


def test_an_unanswered_refund_records_nothing_and_is_a_503() -> None:
    checkout, payment = paid()
    checkout.card.down = True

    with pytest.raises(DependencyUnavailable) as refused:
        refund(checkout, payment.id, usd("20.00"))

    assert (refused.value.code, refused.value.retry_after) == ("payment-provider-unavailable", 30)
    assert refused.value.detail == (
        "The payment provider did not answer; nothing was refunded. Retry later."
    )
    assert_nothing_refunded(checkout, payment)

    checkout.card.down = False
    assert refund(checkout, payment.id, usd("20.00")).amount == usd("20.00")


def test_an_unknown_payment_is_not_found() -> None:
    checkout, payment = paid()

    with pytest.raises(NotFound) as refused:
        refund(checkout, UUID("0b000000-0000-4000-8000-0000000000ff"), None)

    assert refused.value.detail == "No such payment."
    assert_nothing_refunded(checkout, payment)


def test_a_declined_payment_has_nothing_to_refund() -> None:
    checkout = Checkout()
    with pytest.raises(PaymentRequired):
        checkout.pay({"token": NO_FUNDS_TOKEN})
    [declined] = checkout.uow.payments.rows.values()

    with pytest.raises(BusinessRuleViolation) as refused:
        refund(checkout, declined.id, None)

    assert refused.value.detail == "Only a captured payment can be refunded; this one is declined."
    assert checkout.card.refunds == []


def test_a_payment_whose_method_is_no_longer_installed_is_refused() -> None:
    checkout, payment = paid()
    checkout.providers = {}

    with pytest.raises(BusinessRuleViolation) as refused:
        refund(checkout, payment.id, None)

    assert refused.value.code == "payment-method-not-enabled"
    assert refused.value.detail == "The payment method 'card' is not installed."
    assert_nothing_refunded(checkout, payment)


def test_the_refund_of_all_that_is_left_makes_the_order_refunded() -> None:
    checkout, payment = paid()

    first = refund(checkout, payment.id, usd("20.00"))
    assert checkout.orders.rows[ORDER].status == "paid"  # a partial refund leaves it paid
    rest = refund(checkout, payment.id, None)

    assert checkout.orders.rows[ORDER].status == "refunded"
    assert checkout.orders.refunds_of(ORDER) == (
        (first.id, usd("20.00"), LATER, False),
        (rest.id, usd("38.21"), LATER, False),
    )


def test_restock_goes_to_the_order_with_the_full_refund() -> None:
    checkout, payment = paid()

    done = refund_payment(
        RefundPayment(payment.id, None, restock=True),
        checkout.uow,
        checkout.orders,
        checkout.providers,
        lambda: LATER,
    )

    assert checkout.orders.refunds_of(ORDER) == ((done.id, TOTAL, LATER, True),)
    assert checkout.orders.rows[ORDER].status == "refunded"


def test_a_refund_the_order_refuses_moves_no_money() -> None:
    checkout, payment = paid()

    with pytest.raises(BusinessRuleViolation) as refused:
        refund_payment(
            RefundPayment(payment.id, usd("1.00"), restock=True),
            checkout.uow,
            checkout.orders,
            checkout.providers,
            lambda: LATER,
        )

    assert refused.value.code == "restock-needs-full-refund"
    assert_nothing_refunded(checkout, payment)
    assert checkout.orders.refunds_of(ORDER) == ()


def test_the_order_checks_the_refund_before_the_money_moves_and_records_it_after() -> None:
    checkout, payment = paid()
    seen: list[tuple[str, object]] = []
    provider_refund = checkout.card.refund

    def refund_watched(transaction_id: str, amount: Money) -> None:
        # What the order had checked and recorded when the provider was asked.
        seen.append(("checked", tuple(checkout.orders.checked)))
        seen.append(("recorded", checkout.orders.table.get(ORDER).status))
        provider_refund(transaction_id, amount)

    checkout.card.refund = refund_watched  # type: ignore[method-assign]

    done = refund(checkout, payment.id, None)

    assert seen == [("checked", (done.id,)), ("recorded", "paid")]
    assert checkout.orders.refunds_of(ORDER) == ((done.id, TOTAL, LATER, False),)
    assert checkout.orders.rows[ORDER].status == "refunded"
