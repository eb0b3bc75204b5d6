"""The built-in ``card`` provider, against an in-process gateway that acts like a test mode.

Test numbers (API.md): 4242424242424242 captures, 4000000000000002 is declined,
4000000000009995 is declined for insufficient funds, 4000000000000119 times out (nothing is
captured). Any other valid number captures. The full number and the CVC never leave this
module: a payment keeps the brand and the last four digits, and nothing here logs card data.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from emporium.payments.application.ports import (
    CaptureResult,
    InsufficientFunds,
    InvalidPaymentData,
    PaymentDeclinedError,
    ProviderUnavailable,
)
from emporium.shared_kernel.money import Money

DECLINED = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
TIMEOUT = "4000000000000119"

_BRANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("amex", ("34", "37")),
    ("visa", ("4",)),
    ("mastercard", ("51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27")),
    ("discover", ("6011", "65")),
)


def luhn_valid(number: str) -> bool:
    """Return whether ``number`` (ASCII digits only) passes the Luhn check."""
    if not number.isascii() or not number.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def brand_of(number: str) -> str:
    """Return the card brand by its leading digits ("unknown" if none matches)."""
    for brand, prefixes in _BRANDS:
        if number.startswith(prefixes):
            return brand
    return "unknown"


def expired(month: int, year: int, today: date) -> bool:
    """Return whether a card valid through ``month``/``year`` has expired on ``today``."""
    return (year, month) < (today.year, today.month)


@dataclass(frozen=True, slots=True)
class Card:
    """Validated card data. ``repr`` shows no number and no CVC."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str

    @property
    def brand(self) -> str:
        return brand_of(self.number)

    @property
    def last4(self) -> str:
        return self.number[-4:]

    def __repr__(self) -> str:
        return f"Card({self.brand} ending {self.last4})"

    __str__ = __repr__


def _as_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 4:
        return int(value)
    return None


def parse_card(data: Mapping[str, Any], today: date) -> Card:
    """Return the card in ``data``, or raise ``InvalidPaymentData`` naming each bad field."""
    errors: dict[str, list[str]] = {}
    raw = data.get("card_number")
    number = raw.replace(" ", "") if isinstance(raw, str) else ""
    if not number:
        errors["card_number"] = ["A card number is required."]
    elif not (12 <= len(number) <= 19) or not luhn_valid(number):
        errors["card_number"] = ["This is not a valid card number."]
    month = _as_int(data.get("exp_month"))
    year = _as_int(data.get("exp_year"))
    if month is None or not 1 <= month <= 12:
        errors["exp_month"] = ["Give the expiry month as 1 to 12."]
    if year is None or not 2000 <= year <= 2100:
        errors["exp_year"] = ["Give the expiry year with four digits."]
    bad_date = errors.keys() & {"exp_month", "exp_year"}
    if month is not None and year is not None and not bad_date and expired(month, year, today):
        errors["exp_year"] = ["This card has expired."]
    cvc = data.get("cvc")
    if not isinstance(cvc, str) or not cvc.isascii() or not cvc.isdigit() or len(cvc) not in (3, 4):
        errors["cvc"] = ["Give the 3 or 4 digit security code."]
    if errors:
        raise InvalidPaymentData(errors)
    assert month is not None
    assert year is not None
    assert isinstance(cvc, str)
    return Card(number, month, year, cvc)


class SimulatedCardGateway:
    """An in-process card gateway in test mode: answers by test number, keeps its captures."""

    def __init__(self) -> None:
        self.captures: dict[str, Money] = {}
        self.refunds: dict[str, Money] = {}

    def charge(self, card: Card, amount: Money) -> str:
        """Return a transaction id, or raise as the test numbers say."""
        shown = {"brand": card.brand, "last4": card.last4}
        if card.number == DECLINED:
            raise PaymentDeclinedError("The card was declined.", **shown)
        if card.number == INSUFFICIENT_FUNDS:
            raise InsufficientFunds("The card has insufficient funds.", **shown)
        if card.number == TIMEOUT:
            raise ProviderUnavailable("The card network timed out.", **shown)
        transaction_id = "ch_" + secrets.token_hex(12)
        self.captures[transaction_id] = amount
        return transaction_id

    def refund(self, transaction_id: str, amount: Money) -> None:
        """Record a refund of ``amount`` of a capture."""
        done = self.refunds.get(transaction_id, Money.zero(amount.currency))
        self.refunds[transaction_id] = done + amount


class CardProvider:
    """The ``card`` payment method."""

    def __init__(
        self,
        gateway: SimulatedCardGateway | None = None,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.gateway = gateway or SimulatedCardGateway()
        self.today = today

    def validate(self, data: Mapping[str, Any]) -> None:
        parse_card(data, self.today())

    def capture(self, amount: Money, data: Mapping[str, Any]) -> CaptureResult:
        card = parse_card(data, self.today())
        transaction_id = self.gateway.charge(card, amount)
        return CaptureResult(transaction_id, brand=card.brand, last4=card.last4)

    def refund(self, transaction_id: str, amount: Money) -> None:
        self.gateway.refund(transaction_id, amount)
