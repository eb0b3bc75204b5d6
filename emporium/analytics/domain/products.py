"""The product-sales projection's rules: units and revenue per product per day of payment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from emporium.shared_kernel.money import Money


@dataclass(frozen=True)
class ProductDay:
    """Units of one product paid for on one UTC day and their revenue (a delta or a total)."""

    product_id: str
    day: date
    currency: str
    name: str
    units: int
    revenue_minor: int  # line totals, before tax


def paid_lines(lines: list[dict[str, Any]], on: date) -> list[ProductDay]:
    """Return what the lines of an order paid on ``on`` add to each product's day."""
    days = []
    for line in lines:
        total = Money.from_dict(line["line_total"])
        days.append(
            ProductDay(
                product_id=line["product_id"],
                day=on,
                currency=total.currency,
                name=line["name"],
                units=int(line["quantity"]),
                revenue_minor=total.minor,
            )
        )
    return days


def merged(deltas: list[ProductDay]) -> list[ProductDay]:
    """Return one delta per (product, day, currency): the sums, with the latest name."""
    by_key: dict[tuple[str, date, str], ProductDay] = {}
    for delta in deltas:
        key = (delta.product_id, delta.day, delta.currency)
        seen = by_key.get(key)
        if seen is not None:
            delta = ProductDay(
                *key,
                name=delta.name,
                units=seen.units + delta.units,
                revenue_minor=seen.revenue_minor + delta.revenue_minor,
            )
        by_key[key] = delta
    return list(by_key.values())
