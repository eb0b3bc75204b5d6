"""The Payment aggregate: events, and refunds never exceeding the capture."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from emporium.payments.domain.events import PaymentCaptured, PaymentDeclined, PaymentRefunded
from emporium.payments.domain.payment import Payment, PaymentStatus
from emporium.shared_kernel.errors import BusinessRuleViolation
from emporium.shared_kernel.money import Money

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


def captured(amount: str = "10.00") -> Payment:
    return Payment.captured(
        order_id=uuid4(),
        customer_id=uuid4(),
        method="card",
        amount=usd(amount),
        at=NOW,
        transaction_id="ch_1",
        brand="visa",
        last4="4242",
    )


def test_a_capture_records_payment_captured() -> None:
    payment = captured()

    [event] = payment.pull_events()
    assert isinstance(event, PaymentCaptured)
    assert event.type == "payments.payment_captured"
    assert event.payload()["amount"] == {"amount": "10.00", "currency": "USD"}
    assert payment.status is PaymentStatus.CAPTURED
    assert payment.refunded == usd("0.00")


def test_a_decline_records_payment_declined_and_a_failure_records_nothing() -> None:
    common = {"order_id": uuid4(), "customer_id": uuid4(), "method": "card", "amount": usd("1")}
    declined = Payment.unsuccessful(**common, at=NOW, reason="insufficient-funds")  # type: ignore[arg-type]
    failed = Payment.unsuccessful(**common, at=NOW, reason="timeout", failed=True)  # type: ignore[arg-type]

    [event] = declined.pull_events()
    assert isinstance(event, PaymentDeclined)
    assert event.reason == "insufficient-funds"
    assert declined.status is PaymentStatus.DECLINED
    assert failed.status is PaymentStatus.FAILED
    assert failed.pull_events() == []


def test_partial_then_full_refund() -> None:
    payment = captured("10.00")
    payment.pull_events()

    assert payment.refund(usd("4.00"), NOW) == usd("4.00")
    assert payment.status is PaymentStatus.PARTIALLY_REFUNDED
    assert payment.refundable == usd("6.00")
    assert payment.refund(None, NOW) == usd("6.00")
    assert payment.status is PaymentStatus.REFUNDED
    assert payment.refunded == usd("10.00")
    events = payment.pull_events()
    assert [type(e) for e in events] == [PaymentRefunded, PaymentRefunded]
    assert events[1].payload()["refunded_amount"] == {"amount": "10.00", "currency": "USD"}


@pytest.mark.parametrize("amount", ["10.01", "0.00"])
def test_a_refund_never_exceeds_the_capture_and_is_positive(amount: str) -> None:
    payment = captured("10.00")

    with pytest.raises(BusinessRuleViolation):
        payment.refund(usd(amount), NOW)
    assert payment.refunded == usd("0.00")


def test_after_partial_refunds_only_the_rest_may_be_refunded() -> None:
    payment = captured("10.00")
    payment.refund(usd("7.00"), NOW)

    with pytest.raises(BusinessRuleViolation) as caught:
        payment.refund(usd("3.01"), NOW)
    assert caught.value.code == "refund-exceeds-capture"


def test_a_refunded_or_declined_payment_cannot_be_refunded() -> None:
    payment = captured("10.00")
    payment.refund(None, NOW)
    declined = Payment.unsuccessful(
        order_id=uuid4(), customer_id=uuid4(), method="card", amount=usd("1"), at=NOW, reason="x"
    )

    for refused in (payment, declined):
        with pytest.raises(BusinessRuleViolation) as caught:
            refused.refund(None, NOW)
        assert caught.value.code == "not-refundable"


def test_a_refund_in_another_currency_is_refused() -> None:
    with pytest.raises(BusinessRuleViolation):
        captured().refund(Money.of("1.00", "EUR"), NOW)
