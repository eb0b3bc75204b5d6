"""Where an order is shipped: a value checked field by field, personal data of its customer."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import pycountry

from emporium.shared_kernel.errors import InvalidInput

#: The longest a field of an address may be (API.md: 1 to 200 characters).
MAX_FIELD_LENGTH = 200
#: What each erased field of an address reads (never a person's: brackets are no address).
ERASED = "[erased]"
#: Fields that may not be empty; ``line2`` may.
REQUIRED = ("name", "line1", "city", "postal_code")


def is_country_code(value: str) -> bool:
    """Return whether ``value`` is an ISO 3166-1 alpha-2 code, upper case (``DE``, ``GB``)."""
    return (
        len(value) == 2
        and value.isascii()
        and value.isupper()
        and pycountry.countries.get(alpha_2=value) is not None
    )


@dataclass(frozen=True)
class ShippingAddress:
    """A postal address; ``country`` is ISO 3166-1 alpha-2."""

    name: str
    line1: str
    line2: str
    city: str
    postal_code: str
    country: str

    def __post_init__(self) -> None:
        errors: dict[str, list[str]] = {}
        for name in (f.name for f in fields(self)):
            value = getattr(self, name)
            if not isinstance(value, str):
                errors[name] = ["A string."]
            elif len(value) > MAX_FIELD_LENGTH:
                errors[name] = [f"At most {MAX_FIELD_LENGTH} characters."]
            elif name in REQUIRED and not value.strip():
                errors[name] = ["This field may not be blank."]
            elif any(ord(ch) < 32 for ch in value):
                errors[name] = ["No control characters."]
        if "country" not in errors and not is_country_code(self.country):
            errors["country"] = ["An ISO 3166-1 alpha-2 code in capitals, such as DE."]
        if errors:
            raise InvalidInput(
                "The shipping address is not valid.",
                errors={f"shipping_address.{name}": messages for name, messages in errors.items()},
            )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ShippingAddress:
        """Return the address of ``data`` (``line2`` may be missing); InvalidInput otherwise."""
        missing = [name for name in (*REQUIRED, "country") if name not in data]
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if missing or unknown:
            errors = {f"shipping_address.{name}": ["This field is required."] for name in missing}
            errors.update({f"shipping_address.{name}": ["Unknown field."] for name in unknown})
            raise InvalidInput("The shipping address is not valid.", errors=errors)
        return cls(
            name=data["name"],
            line1=data["line1"],
            line2=data.get("line2", ""),
            city=data["city"],
            postal_code=data["postal_code"],
            country=data["country"],
        )

    def erased(self) -> ShippingAddress:
        """Return the address with everything but the country replaced (erasure: the country
        stays for tax and the sales figures; the value still passes every check)."""
        return ShippingAddress(
            name=ERASED,
            line1=ERASED,
            line2=ERASED if self.line2 else "",
            city=ERASED,
            postal_code=ERASED,
            country=self.country,
        )

    def personal_values(self) -> set[str]:
        """Return the strings that locate or name the person (the country left out)."""
        return {
            value
            for value in (self.name, self.line1, self.line2, self.city, self.postal_code)
            if value and value != ERASED
        }

    def to_dict(self) -> dict[str, str]:
        """Return the address as API.md writes it."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
