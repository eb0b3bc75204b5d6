"""Money: exact minor units, refused floats, half-even rates, allocations that lose nothing."""

from __future__ import annotations

import pickle
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emporium.shared_kernel.money import (
    CURRENCIES,
    MAX_INTEGER_DIGITS,
    CurrencyMismatch,
    InvalidAmount,
    Money,
    UnknownCurrency,
    minor_digits,
)

currencies = st.sampled_from(sorted(CURRENCIES))
minors = st.integers(min_value=-(10**15), max_value=10**15)
monies = st.builds(Money, minors, currencies)


def same_currency_pair() -> st.SearchStrategy[tuple[Money, Money]]:
    return currencies.flatmap(
        lambda c: st.tuples(
            st.builds(Money, minors, st.just(c)), st.builds(Money, minors, st.just(c))
        )
    )


# --- currencies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "digits"),
    [
        ("USD", 2), ("EUR", 2), ("GBP", 2), ("CHF", 2), ("CAD", 2), ("AUD", 2), ("SEK", 2),
        ("NOK", 2), ("DKK", 2), ("PLN", 2), ("CZK", 2), ("JPY", 0), ("KRW", 0), ("KWD", 3),
        ("BHD", 3), ("TND", 3),
    ],
)  # fmt: skip
def test_minor_digits_of_the_required_currencies(currency: str, digits: int) -> None:
    assert minor_digits(currency) == digits


@pytest.mark.parametrize("code", ["usd", "XXX", "", "US", "USDD", " USD"])
def test_unknown_or_lower_case_codes_are_refused(code: str) -> None:
    with pytest.raises(UnknownCurrency):
        minor_digits(code)
    with pytest.raises(UnknownCurrency):
        Money(100, code)


def test_money_errors_are_value_errors() -> None:
    assert issubclass(UnknownCurrency, ValueError)
    assert issubclass(CurrencyMismatch, ValueError)
    assert issubclass(InvalidAmount, ValueError)


# --- construction -----------------------------------------------------------------------------


def test_money_holds_minor_units_and_currency() -> None:
    price = Money(1999, "USD")

    assert price.minor == 1999
    assert price.currency == "USD"
    assert price.amount == Decimal("19.99")


@pytest.mark.parametrize("minor", [True, False, 19.99, 1999.0, Decimal("1999"), "1999", None])
def test_money_refuses_minor_units_that_are_not_an_int(minor: object) -> None:
    with pytest.raises(TypeError):
        Money(minor, "USD")  # type: ignore[arg-type]


def test_money_refuses_a_currency_that_is_not_a_string() -> None:
    with pytest.raises(TypeError):
        Money(100, None)  # type: ignore[arg-type]


def test_money_is_frozen_and_slotted() -> None:
    price = Money(1999, "USD")

    with pytest.raises(AttributeError):
        price.minor = 1  # type: ignore[misc]
    assert not hasattr(price, "__dict__")


def test_zero() -> None:
    assert Money.zero("JPY") == Money(0, "JPY")
    assert Money.zero("JPY").is_zero


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("19.99", "USD", 1999),
        ("19.9", "USD", 1990),
        ("19", "USD", 1900),
        ("-0.05", "USD", -5),
        ("+3.10", "EUR", 310),
        ("0", "USD", 0),
        ("-0.00", "USD", 0),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
        ("19.990", "USD", 1999),  # exact: the trailing zero loses nothing
        ("1500.000", "JPY", 1500),
        (Decimal("19.99"), "USD", 1999),
        (Decimal("1E+2"), "USD", 10000),
        (Decimal("1.5E+1"), "JPY", 15),
        (Decimal("-7.5"), "BHD", -7500),
        (42, "USD", 4200),
        (-3, "KWD", -3000),
        (0, "JPY", 0),
    ],
)
def test_of_converts_exact_amounts(amount: Decimal | int | str, currency: str, minor: int) -> None:
    assert Money.of(amount, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        ("19.999", "USD"),
        ("0.001", "EUR"),
        ("1.5", "JPY"),
        ("0.0001", "KWD"),
        (Decimal("19.995"), "USD"),
        (Decimal("1E-3"), "USD"),
        (Decimal("1.5"), "KRW"),
    ],
)
def test_of_refuses_amounts_that_would_need_rounding(amount: Decimal | str, currency: str) -> None:
    with pytest.raises(InvalidAmount, match="decimal places"):
        Money.of(amount, currency)


@pytest.mark.parametrize(
    "amount",
    ["", " 19.99", "19.99 ", "19,99", "1e3", "1E+2", "1_000", ".5", "5.", "NaN", "Infinity",
     "--1", "\u0661\u0662"],  # the last one: Arabic-Indic digits, which Decimal would accept
)  # fmt: skip
def test_of_refuses_strings_that_are_not_plain_decimals(amount: str) -> None:
    with pytest.raises(InvalidAmount):
        Money.of(amount, "USD")


@pytest.mark.parametrize(
    "amount", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity")]
)
def test_of_refuses_non_finite_decimals(amount: Decimal) -> None:
    with pytest.raises(InvalidAmount, match="finite"):
        Money.of(amount, "USD")


@pytest.mark.parametrize("amount", [19.99, 0.0, float("nan"), True, None, [1]])
def test_of_refuses_floats_bools_and_other_types(amount: object) -> None:
    with pytest.raises(TypeError):
        Money.of(amount, "USD")  # type: ignore[arg-type]


def test_of_refuses_an_unknown_currency() -> None:
    with pytest.raises(UnknownCurrency):
        Money.of("1.00", "ZZZ")


def test_of_refuses_absurdly_large_amounts_without_computing_them() -> None:
    with pytest.raises(InvalidAmount, match="too large"):
        Money.of(Decimal("1E+999999999"), "USD")
    with pytest.raises(InvalidAmount, match="decimal places"):
        Money.of(Decimal("1E-999999999"), "USD")
    assert Money.of("9" * MAX_INTEGER_DIGITS, "JPY").minor == int("9" * MAX_INTEGER_DIGITS)
    with pytest.raises(InvalidAmount, match="too large"):
        Money.of("9" * (MAX_INTEGER_DIGITS + 1), "JPY")


def test_of_is_exact_beyond_the_decimal_context_precision() -> None:
    # 29 significant digits: Decimal arithmetic at the default precision (28) would round.
    amount = "123456789012345678901234567.89"

    assert Money.of(amount, "USD").minor == 12345678901234567890123456789
    assert str(Money.of(amount, "USD")) == amount


# --- representation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(1999, "USD"), "19.99"),
        (Money(1990, "USD"), "19.90"),
        (Money(5, "USD"), "0.05"),
        (Money(-5, "USD"), "-0.05"),
        (Money(0, "USD"), "0.00"),
        (Money(1500, "JPY"), "1500"),
        (Money(0, "JPY"), "0"),
        (Money(1, "KWD"), "0.001"),
        (Money(10**20, "JPY"), "100000000000000000000"),
    ],
)
def test_str_is_the_amount_with_the_currency_digits(money: Money, text: str) -> None:
    assert str(money) == text
    assert f"{money}" == text
    assert str(money.amount) == text


# Amounts of up to MAX_INTEGER_DIGITS digits, the most ``of`` (and so ``from_dict``) accepts.
@given(
    st.integers(min_value=1 - 10**MAX_INTEGER_DIGITS, max_value=10**MAX_INTEGER_DIGITS - 1),
    st.sampled_from(sorted(CURRENCIES)),
)
def test_str_writes_the_decimal_amount_exactly(minor: int, currency: str) -> None:
    money = Money(minor, currency)
    assert str(money) == format(money.amount, "f")
    assert Money.from_dict(money.to_dict()) == money


def test_amount_keeps_the_currency_exponent() -> None:
    assert Money(1990, "USD").amount.as_tuple().exponent == -2
    assert Money(7, "JPY").amount.as_tuple().exponent == 0


def test_format_spec_formats_the_decimal_amount() -> None:
    assert f"{Money(123456789, 'USD'):,}" == "1,234,567.89"


def test_to_dict_and_from_dict() -> None:
    price = Money(1999, "USD")

    assert price.to_dict() == {"amount": "19.99", "currency": "USD"}
    assert Money.from_dict({"amount": "19.99", "currency": "USD"}) == price


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"amount": 19.99, "currency": "USD"}, TypeError),
        ({"amount": 1999, "currency": "USD"}, TypeError),
        ({"amount": "19.999", "currency": "USD"}, InvalidAmount),
        ({"amount": "19.99", "currency": "usd"}, UnknownCurrency),
        ({"amount": "19.99"}, ValueError),
        ({"amount": "19.99", "currency": "USD", "note": "x"}, ValueError),
    ],
)
def test_from_dict_refuses(data: dict[str, object], error: type[Exception]) -> None:
    with pytest.raises(error):
        Money.from_dict(data)


def test_repr_names_the_fields() -> None:
    assert repr(Money(1999, "USD")) == "Money(minor=1999, currency='USD')"


def test_pickle_round_trip() -> None:
    price = Money(1999, "USD")

    assert pickle.loads(pickle.dumps(price)) == price  # noqa: S301 (our own bytes)


# --- equality and hashing ---------------------------------------------------------------------


def test_equal_by_value_and_hashable() -> None:
    assert Money(100, "USD") == Money(100, "USD")
    assert Money(100, "USD") != Money(100, "EUR")
    assert Money(100, "USD") != 100
    assert len({Money(100, "USD"), Money(100, "USD"), Money(100, "EUR")}) == 2


def test_money_is_truthy_even_when_zero() -> None:
    # Deliberately: "if price:" must not mean "if price is not zero"; use is_zero.
    assert bool(Money.zero("USD")) is True


# --- arithmetic -------------------------------------------------------------------------------


def test_add_and_subtract_within_a_currency() -> None:
    assert Money(1999, "USD") + Money(1, "USD") == Money(2000, "USD")
    assert Money(1999, "USD") - Money(2000, "USD") == Money(-1, "USD")
    assert -Money(1999, "USD") == Money(-1999, "USD")
    assert +Money(5, "USD") == Money(5, "USD")
    assert abs(Money(-5, "USD")) == Money(5, "USD")


def test_sum_with_a_zero_start() -> None:
    parts = [Money(100, "EUR"), Money(250, "EUR"), Money(-50, "EUR")]

    assert sum(parts, Money.zero("EUR")) == Money(300, "EUR")


@pytest.mark.parametrize("operation", ["add", "sub"])
def test_combining_currencies_is_a_currency_mismatch(operation: str) -> None:
    usd, eur = Money(100, "USD"), Money(100, "EUR")

    with pytest.raises(CurrencyMismatch, match="USD and EUR"):
        usd + eur if operation == "add" else usd - eur


@pytest.mark.parametrize("other", [1, Decimal("1.00"), 1.0])
def test_adding_a_number_is_a_type_error(other: object) -> None:
    with pytest.raises(TypeError):
        Money(100, "USD") + other  # type: ignore[operator]


def test_multiply_by_an_int_quantity_on_either_side() -> None:
    assert Money(1999, "USD") * 3 == Money(5997, "USD")
    assert 3 * Money(1999, "USD") == Money(5997, "USD")
    assert Money(1999, "USD") * 0 == Money(0, "USD")
    assert Money(1999, "USD") * -2 == Money(-3998, "USD")


@pytest.mark.parametrize("factor", [1.5, Decimal("1.5"), Decimal("2"), True, "2"])
def test_multiplying_by_anything_but_an_int_is_a_type_error(factor: object) -> None:
    with pytest.raises(TypeError):
        Money(1999, "USD") * factor  # type: ignore[operator]
    with pytest.raises(TypeError):
        factor * Money(1999, "USD")  # type: ignore[operator]


def test_division_is_not_offered() -> None:
    with pytest.raises(TypeError):
        Money(1000, "USD") / 3  # type: ignore[operator]


@pytest.mark.parametrize(
    ("minor", "rate", "expected"),
    [
        (1999, Decimal("0.08"), 160),  # 159.92
        (1000, Decimal("0.19"), 190),
        (1000, Decimal("0.0825"), 82),  # 82.5 -> 82 (even)
        (1000, Decimal("0.0835"), 84),  # 83.5 -> 84 (even)
        (-1000, Decimal("0.0825"), -82),
        (-1000, Decimal("0.0835"), -84),
        (5, Decimal("0.5"), 2),  # 2.5 -> 2
        (7, Decimal("0.5"), 4),  # 3.5 -> 4
        (1999, Decimal("1"), 1999),
        (1999, Decimal("0"), 0),
        (1999, 2, 3998),
        (1999, Decimal("-0.1"), -200),  # -199.9
    ],
)
def test_apply_rate_rounds_half_to_even(minor: int, rate: Decimal | int, expected: int) -> None:
    assert Money(minor, "USD").apply_rate(rate) == Money(expected, "USD")


def test_apply_rate_is_exact_beyond_the_decimal_context_precision() -> None:
    big = Money(10**40 + 1, "USD")

    assert big.apply_rate(Decimal("0.5")) == Money(5 * 10**39, "USD")  # x.5 -> even


@pytest.mark.parametrize("rate", [0.08, True, "0.08", Decimal("NaN"), Decimal("Infinity")])
def test_apply_rate_refuses_floats_bools_strings_and_non_finite(rate: object) -> None:
    with pytest.raises((TypeError, InvalidAmount)):
        Money(1000, "USD").apply_rate(rate)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("minor", "ratios", "parts"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (-100, [1, 1, 1], [-34, -33, -33]),
        (5, [1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0]),
        (1000, [70, 30], [700, 300]),
        (1001, [70, 30], [701, 300]),  # 700.7 / 300.3: the larger remainder wins
        (100, [1, 0, 1], [50, 0, 50]),
        (1, [0, 1, 0], [0, 1, 0]),
        (0, [1, 2], [0, 0]),
        (10, [3], [10]),
        (7, [1, 2], [2, 5]),  # 2.33 / 4.67: the unit goes to the larger remainder
    ],
)
def test_allocate_by_largest_remainder(minor: int, ratios: list[int], parts: list[int]) -> None:
    result = Money(minor, "EUR").allocate(ratios)

    assert result == [Money(part, "EUR") for part in parts]


@pytest.mark.parametrize("ratios", [[], [0, 0], [1, -1], [1.5, 1], [True, 1], [Decimal(1)]])
def test_allocate_refuses_empty_negative_zero_sum_or_non_int_ratios(ratios: list[object]) -> None:
    with pytest.raises((ValueError, TypeError)):
        Money(100, "EUR").allocate(ratios)  # type: ignore[arg-type]


# --- comparison -------------------------------------------------------------------------------


def test_ordering_within_a_currency() -> None:
    small, large = Money(100, "USD"), Money(200, "USD")

    assert small < large
    assert small <= large
    assert small <= Money(100, "USD")
    assert large > small
    assert large >= small
    assert not large < small
    assert max(small, large) == large


@pytest.mark.parametrize("op", ["<", "<=", ">", ">="])
def test_ordering_across_currencies_is_a_mismatch(op: str) -> None:
    usd, eur = Money(100, "USD"), Money(200, "EUR")
    compare = {
        "<": lambda: usd < eur,
        "<=": lambda: usd <= eur,
        ">": lambda: usd > eur,
        ">=": lambda: usd >= eur,
    }[op]

    with pytest.raises(CurrencyMismatch):
        compare()


def test_ordering_against_a_number_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Money(100, "USD") < 200  # type: ignore[operator]  # noqa: B015


@pytest.mark.parametrize(
    ("minor", "positive", "zero", "negative"),
    [(1, True, False, False), (0, False, True, False), (-1, False, False, True)],
)
def test_sign_predicates(minor: int, positive: bool, zero: bool, negative: bool) -> None:
    money = Money(minor, "USD")

    assert (money.is_positive, money.is_zero, money.is_negative) == (positive, zero, negative)


# --- properties -------------------------------------------------------------------------------


@given(same_currency_pair())
def test_adding_then_subtracting_gives_back_the_original(pair: tuple[Money, Money]) -> None:
    a, b = pair

    assert a + b - b == a
    assert a + b == b + a


@given(monies, st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12))
def test_allocate_loses_nothing_and_stays_within_one_unit_of_the_exact_share(
    money: Money, ratios: list[int]
) -> None:
    if sum(ratios) == 0:
        ratios = [*ratios[:-1], 1]

    parts = money.allocate(ratios)

    assert sum(parts, Money.zero(money.currency)) == money
    total = sum(ratios)
    for part, ratio in zip(parts, ratios, strict=True):
        # |part - minor * ratio / total| < 1, in integers.
        assert abs(part.minor * total - money.minor * ratio) < total
        if ratio == 0:
            assert part.is_zero


@given(monies, st.integers(min_value=1, max_value=50))
def test_equal_allocation_parts_differ_by_at_most_one_unit(money: Money, count: int) -> None:
    parts = money.allocate([1] * count)

    assert sum(parts, Money.zero(money.currency)) == money
    assert max(p.minor for p in parts) - min(p.minor for p in parts) <= 1


@given(monies, st.integers(min_value=1, max_value=10))
def test_allocating_a_negative_amount_negates_the_parts(money: Money, count: int) -> None:
    ratios = list(range(1, count + 1))

    assert (-money).allocate(ratios) == [-part for part in money.allocate(ratios)]


@given(
    monies,
    st.decimals(min_value=-10, max_value=10, places=4, allow_nan=False, allow_infinity=False),
)
def test_apply_rate_matches_decimal_quantize_half_even(money: Money, rate: Decimal) -> None:
    with localcontext() as context:
        context.prec = 60  # enough for every product here: no rounding but the quantize
        expected = (Decimal(money.minor) * rate).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)

    assert money.apply_rate(rate) == Money(int(expected), money.currency)


@given(monies)
def test_the_amount_string_round_trips(money: Money) -> None:
    assert Money.of(str(money.amount), money.currency) == money
    assert Money.of(money.amount, money.currency) == money
    assert Money.from_dict(money.to_dict()) == money


@given(st.floats(allow_nan=True, allow_infinity=True), currencies)
def test_floats_are_always_refused(amount: float, currency: str) -> None:
    with pytest.raises(TypeError):
        Money.of(amount, currency)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(amount, currency)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(100, currency) * amount  # type: ignore[operator]


@given(monies, monies)
def test_comparison_agrees_with_minor_units_within_a_currency(a: Money, b: Money) -> None:
    b = Money(b.minor, a.currency)

    assert (a < b) == (a.minor < b.minor)
    assert (a == b) == (a.minor == b.minor)
