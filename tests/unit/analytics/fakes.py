"""In-memory stores of analytics' projections, for the unit tests of the folds.

Each keeps its rows in dicts the way the ORM store of ``analytics.adapters.store`` keeps them in
tables: a delta makes its row even when it adds nothing, kept lines are unique per order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from emporium.analytics.domain.customers import CustomerSummary, SummaryDelta
from emporium.analytics.domain.facts import DayFigures, OrderFact
from emporium.analytics.domain.products import ProductDay
from emporium.shared_kernel.money import Money


class InMemorySalesStore:
    """Implement ``SalesStore``: order facts, counted refunds and day figures."""

    def __init__(self) -> None:
        self.facts: dict[str, OrderFact] = {}
        self.figures: dict[tuple[date, str], DayFigures] = {}
        self.refunds: dict[str, str] = {}  # refund id -> order id
        #: Every call that writes, with what it was given: ("save_facts", [...]) ...
        self.writes: list[tuple[str, list[Any]]] = []

    def facts_of(self, order_ids: Collection[str]) -> dict[str, OrderFact]:
        return {i: self.facts.get(i, OrderFact(i)) for i in order_ids}

    def save_facts(self, facts: Iterable[OrderFact]) -> None:
        facts = list(facts)
        self.writes.append(("save_facts", facts))
        for fact in facts:
            self.facts[fact.order_id] = fact

    def record_refunds_once(self, refunds: Collection[tuple[str, str]]) -> set[str]:
        new = {(r, o) for r, o in refunds if r not in self.refunds}
        self.writes.append(("record_refunds_once", sorted(new)))
        self.refunds.update(new)
        return {r for r, _ in new}

    def add_to_days(self, deltas: Iterable[DayFigures]) -> None:
        deltas = list(deltas)
        self.writes.append(("add_to_days", deltas))
        for delta in deltas:
            key = (delta.day, delta.currency)
            now = self.figures.setdefault(key, DayFigures(delta.day, delta.currency))
            self.figures[key] = replace(
                now,
                orders=now.orders + delta.orders,
                units=now.units + delta.units,
                revenue_minor=now.revenue_minor + delta.revenue_minor,
                refunds_minor=now.refunds_minor + delta.refunds_minor,
            )

    def days(self, start: date, end: date, currency: str) -> Iterator[DayFigures]:
        for (day, unit), figures in sorted(self.figures.items()):
            if start <= day <= end and unit == currency:
                yield figures

    def all_days(self) -> Iterator[DayFigures]:
        for _, figures in sorted(self.figures.items()):
            yield figures

    def day_writes(self) -> list[DayFigures]:
        """Return every delta handed to ``add_to_days``, in order."""
        return [delta for name, given in self.writes if name == "add_to_days" for delta in given]


@dataclass
class _SummaryRow:
    orders: int = 0
    first_order_at: datetime | None = None
    last_order_at: datetime | None = None
    paid_minor: dict[str, int] = field(default_factory=dict)


class InMemoryCustomerSummaryStore:
    """Implement ``CustomerSummaryStore``: a row per customer, a total per currency paid in."""

    def __init__(self) -> None:
        self.rows: dict[str, _SummaryRow] = {}

    def add(self, deltas: Iterable[SummaryDelta]) -> None:
        for delta in deltas:
            row = self.rows.setdefault(delta.customer_id, _SummaryRow())
            row.orders += delta.orders
            if delta.first_order_at is not None:
                first = row.first_order_at
                row.first_order_at = (
                    min(first, delta.first_order_at) if first else delta.first_order_at
                )
            if delta.last_order_at is not None:
                last = row.last_order_at
                row.last_order_at = max(last, delta.last_order_at) if last else delta.last_order_at
            for currency, minor in delta.paid_minor.items():
                row.paid_minor[currency] = row.paid_minor.get(currency, 0) + minor

    def summary(self, customer_id: str) -> CustomerSummary:
        row = self.rows.get(customer_id)
        if row is None:
            return CustomerSummary(customer_id)
        return CustomerSummary(
            customer_id=customer_id,
            orders=row.orders,
            paid_total=tuple(Money(minor, code) for code, minor in sorted(row.paid_minor.items())),
            first_order_at=row.first_order_at,
            last_order_at=row.last_order_at,
        )


class InMemoryProductSalesStore:
    """Implement ``ProductSalesStore``: unpaid lines by order, sales by product, day, currency."""

    def __init__(self) -> None:
        self.unpaid: dict[str, list[dict[str, Any]]] = {}
        self.sales: dict[tuple[str, date, str], ProductDay] = {}

    def unpaid_lines(self, order_ids: Collection[str]) -> dict[str, list[dict[str, Any]]]:
        return {i: self.unpaid[i] for i in order_ids if i in self.unpaid}

    def keep_lines(self, lines: dict[str, list[dict[str, Any]]]) -> None:
        kept = sorted(set(lines) & set(self.unpaid))
        if kept:  # the table's unique key (tenant, generation, order_id)
            raise ValueError(f"lines of {kept} are kept already")
        self.unpaid.update(lines)

    def forget_lines(self, order_ids: Collection[str]) -> None:
        for order_id in order_ids:
            self.unpaid.pop(order_id, None)

    def add_sales(self, deltas: Iterable[ProductDay]) -> None:
        for delta in deltas:
            key = (delta.product_id, delta.day, delta.currency)
            seen = self.sales.get(key)
            self.sales[key] = (
                delta
                if seen is None
                else replace(
                    seen,
                    name=delta.name,
                    units=seen.units + delta.units,
                    revenue_minor=seen.revenue_minor + delta.revenue_minor,
                )
            )

    def all(self) -> list[ProductDay]:
        """Return every product's days, by product, day and currency."""
        return [self.sales[key] for key in sorted(self.sales)]
