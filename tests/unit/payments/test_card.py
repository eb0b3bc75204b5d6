"""The card provider: Luhn, expiry, brand and last four, and the gateway's test numbers."""

from __future__ import annotations

from datetime import date

import pytest

from emporium.payments.adapters.card import (
    CardProvider,
    brand_of,
    expired,
    luhn_valid,
    parse_card,
)
from emporium.payments.application.ports import (
    InsufficientFunds,
    InvalidPaymentData,
    PaymentDeclinedError,
    ProviderUnavailable,
)
from emporium.shared_kernel.money import Money

TODAY = date(2026, 11, 25)
GOOD = "4242424242424242"


def card(number: str = GOOD, **overrides: object) -> dict[str, object]:
    return {"card_number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123", **overrides}


@pytest.mark.parametrize(
    "number",
    [GOOD, "4000000000000002", "4000000000009995", "4000000000000119", "5555555555554444"],
)
def test_test_numbers_pass_luhn(number: str) -> None:
    assert luhn_valid(number)


@pytest.mark.parametrize("number", ["4242424242424241", "1234567812345678", "42424242a4242424", ""])
def test_wrong_numbers_fail_luhn(number: str) -> None:
    assert not luhn_valid(number)


def test_non_ascii_digits_fail_luhn() -> None:
    assert not luhn_valid("٤٢٤٢٤٢٤٢٤٢٤٢٤٢٤٢")


def test_brands_by_prefix() -> None:
    assert brand_of(GOOD) == "visa"
    assert brand_of("5555555555554444") == "mastercard"
    assert brand_of("378282246310005") == "amex"
    assert brand_of("9999999999999995") == "unknown"


def test_a_card_expires_after_its_month() -> None:
    assert not expired(11, 2026, TODAY)
    assert expired(10, 2026, TODAY)
    assert expired(12, 2025, TODAY)
    assert not expired(1, 2027, TODAY)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (card("4242424242424241"), "card_number"),
        (card("4242"), "card_number"),
        (card(None), "card_number"),
        (card(exp_month=13), "exp_month"),
        (card(exp_month="x"), "exp_month"),
        (card(exp_month=True), "exp_month"),
        (card(exp_year=30), "exp_year"),
        (card(exp_month=10, exp_year=2026), "exp_year"),
        (card(cvc="12"), "cvc"),
        (card(cvc=123), "cvc"),
    ],
)
def test_bad_card_data_names_the_field(data: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidPaymentData) as caught:
        parse_card(data, TODAY)

    assert field in caught.value.errors


def test_errors_and_repr_never_show_the_number_or_cvc() -> None:
    parsed = parse_card(card(cvc="987"), TODAY)
    with pytest.raises(InvalidPaymentData) as caught:
        parse_card(card("4242424242424241"), TODAY)

    assert GOOD not in repr(parsed)
    assert "987" not in repr(parsed)
    assert GOOD not in str(parsed)
    assert "4242424242424241" not in repr(caught.value.errors)
    assert (parsed.brand, parsed.last4) == ("visa", "4242")


def test_spaces_in_the_number_are_ignored() -> None:
    assert parse_card(card("4242 4242 4242 4242"), TODAY).number == GOOD


def provider() -> CardProvider:
    return CardProvider(today=lambda: TODAY)


def test_a_good_card_captures_and_shows_brand_and_last4() -> None:
    p = provider()
    result = p.capture(Money.of("10.80", "USD"), card())

    assert (result.brand, result.last4) == ("visa", "4242")
    assert result.transaction_id.startswith("ch_")
    assert p.gateway.captures[result.transaction_id] == Money.of("10.80", "USD")


@pytest.mark.parametrize(
    ("number", "error", "code"),
    [
        ("4000000000000002", PaymentDeclinedError, "card-declined"),
        ("4000000000009995", InsufficientFunds, "insufficient-funds"),
        ("4000000000000119", ProviderUnavailable, "provider-unavailable"),
    ],
)
def test_test_numbers_refuse_and_capture_nothing(number: str, error: type, code: str) -> None:
    p = provider()
    with pytest.raises(error) as caught:
        p.capture(Money.of("1.00", "USD"), card(number))

    assert caught.value.code == code
    assert caught.value.last4 == number[-4:]
    assert p.gateway.captures == {}


def test_insufficient_funds_is_a_decline() -> None:
    assert issubclass(InsufficientFunds, PaymentDeclinedError)


def test_refunds_are_recorded_by_the_gateway() -> None:
    p = provider()
    result = p.capture(Money.of("10.00", "USD"), card())
    p.refund(result.transaction_id, Money.of("4.00", "USD"))
    p.refund(result.transaction_id, Money.of("1.00", "USD"))

    assert p.gateway.refunds[result.transaction_id] == Money.of("5.00", "USD")
