"""Shipping addresses: what API.md allows, field by field."""

from __future__ import annotations

import pytest

from emporium.ordering.domain.address import ShippingAddress, is_country_code
from emporium.shared_kernel.errors import InvalidInput

GOOD = {
    "name": "Zoë Ångström",
    "line1": "1 Quay St",
    "line2": "",
    "city": "Bristol",
    "postal_code": "BS1 4DJ",
    "country": "GB",
}


def test_a_good_address_reads_back_as_it_was_given() -> None:
    assert ShippingAddress.from_dict(GOOD).to_dict() == GOOD


def test_line2_may_be_left_out() -> None:
    given = {name: value for name, value in GOOD.items() if name != "line2"}

    assert ShippingAddress.from_dict(given).line2 == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field may not be blank."),
        ("city", "   ", "This field may not be blank."),
        ("line1", "x" * 201, "At most 200 characters."),
        ("line2", "x" * 201, "At most 200 characters."),
        ("postal_code", "BS1\n4DJ", "No control characters."),
        ("country", "gb", "An ISO 3166-1 alpha-2 code in capitals, such as DE."),
        ("country", "XX", "An ISO 3166-1 alpha-2 code in capitals, such as DE."),
        ("country", "GBR", "An ISO 3166-1 alpha-2 code in capitals, such as DE."),
        ("name", 7, "A string."),
    ],
)
def test_a_bad_field_is_named_with_its_reason(field: str, value: object, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        ShippingAddress.from_dict({**GOOD, field: value})

    assert refused.value.errors == {f"shipping_address.{field}": [message]}


def test_missing_and_unknown_fields_are_named() -> None:
    given = {name: value for name, value in GOOD.items() if name not in {"city", "country"}}

    with pytest.raises(InvalidInput) as refused:
        ShippingAddress.from_dict({**given, "floor": "3"})

    assert refused.value.errors == {
        "shipping_address.city": ["This field is required."],
        "shipping_address.country": ["This field is required."],
        "shipping_address.floor": ["Unknown field."],
    }


@pytest.mark.parametrize(("code", "known"), [("DE", True), ("US", True), ("UK", False)])
def test_country_codes_are_iso_3166_alpha_2(code: str, known: bool) -> None:
    assert is_country_code(code) is known


def test_an_erased_address_keeps_the_country_and_still_passes_every_check() -> None:
    erased = ShippingAddress.from_dict({**GOOD, "line2": "Flat 2"}).erased()

    assert erased.to_dict() == {
        "name": "[erased]",
        "line1": "[erased]",
        "line2": "[erased]",
        "city": "[erased]",
        "postal_code": "[erased]",
        "country": "GB",
    }
    assert ShippingAddress.from_dict(erased.to_dict()) == erased
    assert erased.erased() == erased
    assert erased.personal_values() == set()


def test_an_empty_line2_stays_empty_and_is_no_personal_value() -> None:
    address = ShippingAddress.from_dict(GOOD)

    assert address.erased().line2 == ""
    assert address.personal_values() == {"Zoë Ångström", "1 Quay St", "Bristol", "BS1 4DJ"}
