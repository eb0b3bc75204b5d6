"""``MoneyField`` for DRF serializers: ``{"amount": "19.99", "currency": "USD"}``.

The amount is a JSON string, never a number: a JSON number is a float to most clients, and
the API does not guess what ``19.990000000000002`` meant. Amounts that need rounding, unknown
currencies, a currency other than the field's ``currency=`` and (unless ``allow_negative=True``)
negative amounts are validation errors, reported under ``amount`` or ``currency``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from emporium.shared_kernel.money import CURRENCIES, Money, UnknownCurrency, minor_digits

MONEY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "amount": {
            "type": "string",
            "pattern": r"^[+-]?[0-9]+(\.[0-9]+)?$",
            "description": "Decimal amount in major units, as a string; no more decimal "
            "places than the currency has (2 for USD, 0 for JPY, 3 for KWD).",
            "example": "19.99",
        },
        "currency": {
            "type": "string",
            "description": "ISO 4217 currency code, upper-case.",
            "enum": sorted(CURRENCIES),
            "example": "USD",
        },
    },
    "required": ["amount", "currency"],
    "additionalProperties": False,
}


@extend_schema_field(MONEY_SCHEMA)
class MoneyField(serializers.Field[Money, Mapping[str, Any], dict[str, str], Any]):
    """A ``Money`` as ``{"amount": "19.99", "currency": "USD"}``."""

    default_error_messages = {
        "not_an_object": 'Expected an object with "amount" and "currency".',
        "unexpected_keys": "Unexpected keys: {keys}.",
        "amount_not_a_string": 'The amount must be a string such as "19.99", not {kind}.',
        "negative": "The amount must not be negative.",
        "currency_not_a_string": 'The currency must be a string such as "USD", not {kind}.',
        "unknown_currency": "Unknown currency {currency!r}: use an upper-case ISO 4217 code.",
        "wrong_currency": "Expected an amount in {expected}, not {currency}.",
    }

    def __init__(
        self, *, currency: str | None = None, allow_negative: bool = False, **kwargs: Any
    ) -> None:
        if currency is not None:
            minor_digits(currency)
        self.currency = currency
        self.allow_negative = allow_negative
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Money:
        if not isinstance(data, Mapping):
            self.fail("not_an_object")
        unexpected = set(data) - {"amount", "currency"}
        if unexpected:
            self.fail("unexpected_keys", keys=", ".join(sorted(map(str, unexpected))))
        errors = {
            key: [message]
            for key, message in (
                ("amount", self._amount_error(data)),
                ("currency", self._currency_error(data)),
            )
            if message
        }
        if errors:
            raise serializers.ValidationError(errors)
        try:
            money = Money.of(data["amount"], data["currency"])
        except ValueError as exc:
            raise serializers.ValidationError({"amount": [str(exc)]}) from exc
        if money.is_negative and not self.allow_negative:
            raise serializers.ValidationError({"amount": [self.error_messages["negative"]]})
        return money

    def _amount_error(self, data: Mapping[str, Any]) -> str | None:
        if "amount" not in data:
            return str(self.error_messages["required"])
        if not isinstance(data["amount"], str):
            kind = _json_kind(data["amount"])
            return str(self.error_messages["amount_not_a_string"]).format(kind=kind)
        return None

    def _currency_error(self, data: Mapping[str, Any]) -> str | None:
        if "currency" not in data:
            return str(self.error_messages["required"])
        currency = data["currency"]
        if not isinstance(currency, str):
            kind = _json_kind(currency)
            return str(self.error_messages["currency_not_a_string"]).format(kind=kind)
        try:
            minor_digits(currency)
        except UnknownCurrency:
            return str(self.error_messages["unknown_currency"]).format(currency=currency)
        if self.currency is not None and currency != self.currency:
            return str(self.error_messages["wrong_currency"]).format(
                expected=self.currency, currency=currency
            )
        return None

    def to_representation(self, value: Money) -> dict[str, str]:
        return value.to_dict()


def _json_kind(value: Any) -> str:
    """Return how a JSON document spelled ``value``: "a number", "null", ..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, Mapping) else f"a {type(value).__name__}"
