"""How the back office writes values that have no column of their own."""

from __future__ import annotations

from emporium.shared_kernel.money import Money


def money_text(value: Money | None) -> str:
    """Return an amount with its currency, "50.33 USD"; "-" for none."""
    return "-" if value is None else f"{value} {value.currency}"
