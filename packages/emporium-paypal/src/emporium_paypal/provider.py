"""The ``paypal`` payment method, against an in-process simulation of PayPal's sandbox.

PayPal's flow is approve-then-capture: the buyer approves the payment at PayPal, the shop's
client receives an approval token, and the shop captures with that token. The simulation
answers by token, like a sandbox account would:

- ``approved-<anything>`` captures (once: a token already captured is declined);
- ``declined-<anything>`` is declined (the buyer did not approve, or PayPal refused);
- ``unavailable-<anything>`` times out (nothing is captured);
- anything else that is a well-formed token was never approved: declined.

The payment data is ``{"method": "paypal", "approval_token": "<token>"}``.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from emporium.payments.application.ports import (
    CaptureResult,
    InvalidPaymentData,
    PaymentDeclinedError,
    ProviderUnavailable,
)
from emporium.shared_kernel.money import Money

BRAND = "paypal"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,100}")


class PayPalDeclined(PaymentDeclinedError):
    """PayPal declined the payment."""

    code = "payment-declined"


def approval_token(data: Mapping[str, Any]) -> str:
    """Return the approval token of ``data``, or raise ``InvalidPaymentData``."""
    token = data.get("approval_token")
    if not isinstance(token, str) or not token:
        raise InvalidPaymentData({"approval_token": ["Give the PayPal approval token."]})
    if not _TOKEN.fullmatch(token):
        raise InvalidPaymentData({"approval_token": ["This is not a PayPal approval token."]})
    return token


class SimulatedPayPal:
    """PayPal's sandbox, in process: answers by token and keeps its captures and refunds."""

    def __init__(self) -> None:
        self.captures: dict[str, Money] = {}
        self.refunds: dict[str, Money] = {}
        self._captured_tokens: set[str] = set()

    def capture(self, token: str, amount: Money) -> str:
        """Capture an approved payment; return PayPal's capture id."""
        if token.startswith("unavailable-"):
            raise ProviderUnavailable("PayPal did not answer.", brand=BRAND)
        if not token.startswith("approved-"):
            raise PayPalDeclined("The buyer did not approve the PayPal payment.", brand=BRAND)
        if token in self._captured_tokens:
            raise PayPalDeclined("This PayPal approval was already captured.", brand=BRAND)
        self._captured_tokens.add(token)
        capture_id = "PAYPAL-" + secrets.token_hex(8).upper()
        self.captures[capture_id] = amount
        return capture_id

    def refund(self, capture_id: str, amount: Money) -> None:
        """Refund ``amount`` of a capture (never more than was captured)."""
        captured = self.captures.get(capture_id)
        if captured is None:
            raise ProviderUnavailable("PayPal knows no such capture.", brand=BRAND)
        done = self.refunds.get(capture_id, Money.zero(amount.currency)) + amount
        if done > captured:
            raise ProviderUnavailable("PayPal refuses to refund more than captured.", brand=BRAND)
        self.refunds[capture_id] = done


class PayPalProvider:
    """The ``paypal`` method: an Emporium ``PaymentProvider``."""

    def __init__(self, sandbox: SimulatedPayPal | None = None) -> None:
        self.sandbox = sandbox or SimulatedPayPal()

    def validate(self, data: Mapping[str, Any]) -> None:
        approval_token(data)

    def capture(self, amount: Money, data: Mapping[str, Any]) -> CaptureResult:
        capture_id = self.sandbox.capture(approval_token(data), amount)
        return CaptureResult(capture_id, brand=BRAND)

    def refund(self, transaction_id: str, amount: Money) -> None:
        self.sandbox.refund(transaction_id, amount)
