"""Money: an integer count of minor units and an ISO 4217 currency; never a float.

``Money(1999, "USD")`` is 19.99 US dollars. Amounts from outside (a form, a JSON body) enter
through ``Money.of("19.99", "USD")``, which refuses anything that would need rounding
("19.999" dollars, "1.5" yen) and accepts what is exact ("19.990" is 1999 cents), so a value
is either represented exactly or rejected. The only operation that rounds is
``apply_rate``, and it rounds half to even (banker's rounding) to the minor unit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any

#: Minor-unit digits of each supported ISO 4217 currency (2 for cents, 0 for yen, 3 for fils).
CURRENCIES: Mapping[str, int] = MappingProxyType(
    {
        # Two decimals.
        "AED": 2, "AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "CZK": 2, "DKK": 2,
        "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "ILS": 2, "INR": 2, "MXN": 2, "NOK": 2,
        "NZD": 2, "PLN": 2, "RON": 2, "SAR": 2, "SEK": 2, "SGD": 2, "TRY": 2, "USD": 2,
        "ZAR": 2,
        # No decimals.
        "CLP": 0, "ISK": 0, "JPY": 0, "KRW": 0, "VND": 0,
        # Three decimals.
        "BHD": 3, "JOD": 3, "KWD": 3, "OMR": 3, "TND": 3,
    }
)  # fmt: skip

#: Amounts with more integer digits than this are refused when parsed (no real price needs it).
MAX_INTEGER_DIGITS = 30

# A plain decimal numeral: optional sign, ASCII digits, optional fraction. No exponent, no
# whitespace, no digit separators, no non-ASCII digits (which ``Decimal`` would accept).
_DECIMAL_STRING = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


class UnknownCurrency(ValueError):
    """The code is not an upper-case ISO 4217 code in ``CURRENCIES``."""


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were combined or compared."""


class InvalidAmount(ValueError):
    """The amount is not a finite number representable exactly in the currency's minor units."""


def minor_digits(currency: str) -> int:
    """Return the number of minor-unit digits of ``currency`` (2 for USD, 0 for JPY)."""
    try:
        return CURRENCIES[currency]
    except (KeyError, TypeError):
        raise UnknownCurrency(f"Unknown currency {currency!r}.") from None


def _require_int(value: object, what: str) -> int:
    # bool is an int subclass; True as an amount or a quantity is always a mistake.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}.")
    return int(value)


def _to_minor(amount: Decimal, currency: str) -> int:
    """Return ``amount`` in minor units of ``currency``, refusing anything inexact."""
    places = minor_digits(currency)
    sign, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int):
        raise InvalidAmount(f"{amount} is not a finite amount.")
    # Work on the digit tuple with integers only: Decimal arithmetic would round silently
    # to the context's precision (28 digits by default).
    significant = list(digits)
    while significant and significant[-1] == 0:
        significant.pop()
        exponent += 1
    if not significant:
        return 0
    if exponent + places < 0:
        raise InvalidAmount(f"{amount} has more decimal places than {currency} allows ({places}).")
    if len(significant) + exponent > MAX_INTEGER_DIGITS:
        raise InvalidAmount(f"{amount} is too large.")
    minor = int("".join(map(str, significant)) + "0" * (exponent + places))
    return -minor if sign else minor


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer minor units of one currency."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "minor", _require_int(self.minor, "Money.minor"))
        if not isinstance(self.currency, str):
            raise TypeError(f"Money.currency must be a str, not {type(self.currency).__name__}.")
        minor_digits(self.currency)
        object.__setattr__(self, "currency", str(self.currency))

    # --- construction -------------------------------------------------------------------------

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Return nothing of ``currency``."""
        return cls(0, currency)

    @classmethod
    def of(cls, amount: Decimal | int | str, currency: str) -> Money:
        """Return ``amount`` (in major units, e.g. ``"19.99"``) of ``currency``, exactly."""
        if isinstance(amount, str):
            if not _DECIMAL_STRING.fullmatch(amount):
                raise InvalidAmount(f"{amount!r} is not a decimal amount such as '19.99'.")
            value = Decimal(amount)
        elif isinstance(amount, Decimal):
            value = amount
        elif isinstance(amount, int) and not isinstance(amount, bool):
            value = Decimal(amount)
        else:
            raise TypeError(
                f"An amount must be a Decimal, int or str, not {type(amount).__name__}."
            )
        return cls(_to_minor(value, currency), currency)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Money:
        """Return the Money in ``{"amount": "19.99", "currency": "USD"}``."""
        if set(data) != {"amount", "currency"}:
            raise ValueError('Money needs exactly the keys "amount" and "currency".')
        amount = data["amount"]
        if not isinstance(amount, str):
            raise TypeError(f"The amount must be a str, not {type(amount).__name__}.")
        return cls.of(amount, data["currency"])

    # --- representation -----------------------------------------------------------------------

    @property
    def amount(self) -> Decimal:
        """Return the amount in major units with exactly the currency's minor digits."""
        places = CURRENCIES[self.currency]
        digits = tuple(int(d) for d in str(abs(self.minor)))
        # Built from its digits: exact whatever the size, and always places decimals
        # ("19.90", "0.05", "100" for yen).
        return Decimal((int(self.minor < 0), digits, -places))

    def __str__(self) -> str:
        # The digits placed by hand, as format(self.amount, "f") writes them: the API writes
        # thousands of amounts a response, and a Decimal each cost more than the rest.
        places = CURRENCIES[self.currency]
        digits = str(abs(self.minor))
        sign = "-" if self.minor < 0 else ""
        if not places:
            return sign + digits
        digits = digits.rjust(places + 1, "0")
        return f"{sign}{digits[:-places]}.{digits[-places:]}"

    def __format__(self, format_spec: str) -> str:
        return format(self.amount, format_spec) if format_spec else str(self)

    def to_dict(self) -> dict[str, str]:
        """Return ``{"amount": "19.99", "currency": "USD"}``."""
        return {"amount": str(self), "currency": self.currency}

    # --- arithmetic ---------------------------------------------------------------------------

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(f"Cannot combine {self.currency} and {other.currency}.")

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __pos__(self) -> Money:
        return self

    def __abs__(self) -> Money:
        return Money(abs(self.minor), self.currency)

    def __mul__(self, quantity: object) -> Money:
        # Only whole quantities: a price times a Decimal or a float needs a rounding rule,
        # which is what apply_rate is for.
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            return NotImplemented
        return Money(self.minor * quantity, self.currency)

    __rmul__ = __mul__

    def apply_rate(self, rate: Decimal | int) -> Money:
        """Return this amount times ``rate`` (a fraction: 0.08 is 8 %), rounded half to even."""
        if isinstance(rate, bool) or not isinstance(rate, (Decimal, int)):
            raise TypeError(f"A rate must be a Decimal or an int, not {type(rate).__name__}.")
        if isinstance(rate, Decimal) and not rate.is_finite():
            raise InvalidAmount(f"{rate} is not a finite rate.")
        # Fraction is exact; round() on a Fraction rounds half to even.
        return Money(round(Fraction(self.minor) * Fraction(rate)), self.currency)

    def allocate(self, ratios: Sequence[int]) -> list[Money]:
        """Split this amount in proportion to ``ratios``; the parts add up to it exactly."""
        weights = [_require_int(ratio, "A ratio") for ratio in ratios]
        if not weights or any(weight < 0 for weight in weights) or sum(weights) == 0:
            raise ValueError("Ratios must be non-negative ints with a positive sum.")
        total = sum(weights)
        # Largest remainder on the magnitude, so that allocating -m gives exactly the
        # negated parts of m. Leftover units go to the largest remainders, earlier parts
        # first on ties; a zero ratio has no remainder and so never receives one.
        magnitude = abs(self.minor)
        shares = [divmod(magnitude * weight, total) for weight in weights]
        parts = [quotient for quotient, _ in shares]
        leftover = magnitude - sum(parts)
        by_remainder = sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))
        for index in by_remainder[:leftover]:
            parts[index] += 1
        sign = -1 if self.minor < 0 else 1
        return [Money(sign * part, self.currency) for part in parts]

    # --- comparison ---------------------------------------------------------------------------

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor < other.minor

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor <= other.minor

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor > other.minor

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.minor >= other.minor

    @property
    def is_zero(self) -> bool:
        """Return whether the amount is zero."""
        return self.minor == 0

    @property
    def is_positive(self) -> bool:
        """Return whether the amount is above zero."""
        return self.minor > 0

    @property
    def is_negative(self) -> bool:
        """Return whether the amount is below zero."""
        return self.minor < 0
