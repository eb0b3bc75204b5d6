"""The PayPal provider on its own: approve-then-capture, declines, refunds, its entry point."""

from __future__ import annotations

import tomllib
from pathlib import Path

import emporium_paypal
import pytest
from emporium_paypal import PayPalProvider, SimulatedPayPal

from emporium.payments.application.ports import (
    InvalidPaymentData,
    PaymentDeclinedError,
    ProviderUnavailable,
)
from emporium.shared_kernel.money import Money

PROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"
TOTAL = Money.of("50.33", "USD")


def test_an_approved_token_captures_the_amount() -> None:
    sandbox = SimulatedPayPal()
    provider = PayPalProvider(sandbox)

    result = provider.capture(TOTAL, {"method": "paypal", "approval_token": "approved-1"})

    assert result.brand == "paypal"
    assert result.last4 == ""
    assert result.transaction_id.startswith("PAYPAL-")
    assert len(result.transaction_id) == len("PAYPAL-") + 16
    assert sandbox.captures == {result.transaction_id: TOTAL}


def test_an_approval_captures_once() -> None:
    provider = PayPalProvider()
    provider.capture(TOTAL, {"approval_token": "approved-once"})

    with pytest.raises(PaymentDeclinedError) as refused:
        provider.capture(TOTAL, {"approval_token": "approved-once"})

    assert refused.value.code == "payment-declined"
    assert refused.value.detail == "This PayPal approval was already captured."


@pytest.mark.parametrize("token", ["declined-1", "not-approved-yet"])
def test_a_token_that_is_not_approved_is_declined(token: str) -> None:
    sandbox = SimulatedPayPal()

    with pytest.raises(PaymentDeclinedError) as refused:
        PayPalProvider(sandbox).capture(TOTAL, {"approval_token": token})

    assert refused.value.code == "payment-declined"
    assert refused.value.brand == "paypal"
    assert sandbox.captures == {}


def test_an_unanswered_capture_captures_nothing() -> None:
    sandbox = SimulatedPayPal()

    with pytest.raises(ProviderUnavailable):
        PayPalProvider(sandbox).capture(TOTAL, {"approval_token": "unavailable-1"})

    assert sandbox.captures == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Give the PayPal approval token."),
        ({"approval_token": ""}, "Give the PayPal approval token."),
        ({"approval_token": 12}, "Give the PayPal approval token."),
        ({"approval_token": "approved 1"}, "This is not a PayPal approval token."),
        ({"approval_token": "a" * 101}, "This is not a PayPal approval token."),
    ],
)
def test_invalid_data_names_the_token(data: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidPaymentData) as invalid:
        PayPalProvider().validate(data)

    assert invalid.value.errors == {"approval_token": [message]}


def test_refunds_never_exceed_the_capture() -> None:
    sandbox = SimulatedPayPal()
    provider = PayPalProvider(sandbox)
    capture_id = provider.capture(TOTAL, {"approval_token": "approved-r"}).transaction_id

    provider.refund(capture_id, Money.of("50.00", "USD"))
    with pytest.raises(ProviderUnavailable):
        provider.refund(capture_id, Money.of("0.34", "USD"))
    provider.refund(capture_id, Money.of("0.33", "USD"))

    assert sandbox.refunds == {capture_id: TOTAL}


def test_the_package_registers_paypal_by_entry_point_with_a_version() -> None:
    project = tomllib.loads(PROJECT.read_text())["project"]

    assert project["version"] == emporium_paypal.__version__ == "0.1.0"
    assert project["entry-points"]["emporium.payment_providers"] == {
        "paypal": "emporium_paypal:PayPalProvider"
    }
