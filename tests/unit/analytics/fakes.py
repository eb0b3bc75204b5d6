"""An in-memory ``SalesStore`` for the analytics unit tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

from emporium.analytics.domain.facts import DayFigures, OrderFact


class InMemorySalesStore:
    """Keeps facts and day figures in dicts, as the database would."""

    def __init__(self) -> None:
        self.facts: dict[str, OrderFact] = {}
        self.figures: dict[tuple[date, str], DayFigures] = {}
        self.refunds: dict[str, str] = {}  # refund id -> order id
        #: What was asked of the store, in order: "exclusive", "shared", "reset".
        self.calls: list[str] = []

    def lock_read_model(self, *, exclusive: bool) -> None:
        self.calls.append("exclusive" if exclusive else "shared")

    def lock_fact(self, order_id: str) -> OrderFact:
        return self.facts.setdefault(order_id, OrderFact(order_id))

    def save_fact(self, fact: OrderFact) -> None:
        self.facts[fact.order_id] = fact

    def record_refund_once(self, refund_id: str, order_id: str) -> bool:
        if refund_id in self.refunds:
            return False
        self.refunds[refund_id] = order_id
        return True

    def add_to_day(self, delta: DayFigures) -> None:
        key = (delta.day, delta.currency)
        now = self.figures.get(key, DayFigures(delta.day, delta.currency))
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

    def reset(self) -> None:
        self.calls.append("reset")
        self.facts.clear()
        self.refunds.clear()
        self.figures.clear()
