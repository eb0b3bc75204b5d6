"""Ports of the analytics context: where the sales read model keeps its rows."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Protocol

from emporium.analytics.domain.facts import DayFigures, OrderFact


class SalesStore(Protocol):
    """The current tenant's order facts and day figures."""

    def lock_read_model(self, *, exclusive: bool) -> None:
        """Hold the tenant's read model until commit: exclusive to rebuild, shared to deliver."""
        ...

    def lock_fact(self, order_id: str) -> OrderFact:
        """Return the fact of ``order_id`` (a blank one if unseen), locked until commit."""
        ...

    def save_fact(self, fact: OrderFact) -> None:
        """Store ``fact`` in place of the one ``lock_fact`` returned."""
        ...

    def record_refund_once(self, refund_id: str, order_id: str) -> bool:
        """Remember the refund; return False, writing nothing, if it was seen before."""
        ...

    def add_to_day(self, delta: DayFigures) -> None:
        """Add ``delta`` to its day's figures without losing a concurrent addition."""
        ...

    def days(self, start: date, end: date, currency: str) -> Iterable[DayFigures]:
        """Return the stored figures of the days from ``start`` to ``end`` in ``currency``."""
        ...

    def all_days(self) -> Iterable[DayFigures]:
        """Return the stored figures of every day in every currency."""
        ...

    def reset(self) -> None:
        """Forget every fact and figure of the current tenant."""
        ...
