"""Ports of the analytics context: where each projection keeps its rows."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any, Protocol

from emporium.analytics.domain.customers import CustomerSummary, SummaryDelta
from emporium.analytics.domain.dashboard import Bucket, TrackedCustomer, TrackedOrder
from emporium.analytics.domain.facts import DayFigures, OrderFact
from emporium.analytics.domain.products import ProductDay


class SalesStore(Protocol):
    """The current tenant's order facts and day figures (of one generation, for writers)."""

    def facts_of(self, order_ids: Collection[str]) -> dict[str, OrderFact]:
        """Return the fact of each order (a blank one if unseen).

        No row lock: the projection's tracking row, held by the runner, keeps every other
        writer of this generation out until commit.
        """
        ...

    def save_facts(self, facts: Iterable[OrderFact]) -> None:
        """Store ``facts`` in place of those ``facts_of`` returned."""
        ...

    def record_refunds_once(self, refunds: Collection[tuple[str, str]]) -> set[str]:
        """Remember (refund id, order id) pairs; return the refund ids not seen before."""
        ...

    def add_to_days(self, deltas: Iterable[DayFigures]) -> None:
        """Add each delta to its day's figures without losing a concurrent addition."""
        ...

    def days(self, start: date, end: date, currency: str) -> Iterable[DayFigures]:
        """Return the stored figures of the days from ``start`` to ``end`` in ``currency``."""
        ...

    def all_days(self) -> Iterable[DayFigures]:
        """Return the stored figures of every day in every currency."""
        ...


class CustomerSummaryStore(Protocol):
    """The current tenant's customer summaries."""

    def add(self, deltas: Iterable[SummaryDelta]) -> None:
        """Add each delta to its customer's summary."""
        ...

    def summary(self, customer_id: str) -> CustomerSummary:
        """Return the customer's summary (an empty one if they never ordered)."""
        ...


class ProductSalesStore(Protocol):
    """The current tenant's product sales per day, and the lines of orders not paid yet."""

    def unpaid_lines(self, order_ids: Collection[str]) -> dict[str, list[dict[str, Any]]]:
        """Return the kept lines of each of ``order_ids`` that has some."""
        ...

    def keep_lines(self, lines: dict[str, list[dict[str, Any]]]) -> None:
        """Keep the lines of orders placed and not yet paid or cancelled."""
        ...

    def forget_lines(self, order_ids: Collection[str]) -> None:
        """Forget the lines of orders paid or cancelled."""
        ...

    def add_sales(self, deltas: Iterable[ProductDay]) -> None:
        """Add each delta to its product's day."""
        ...


class DashboardStore(Protocol):
    """The current tenant's dashboard rows (of one generation): buckets, orders, customers."""

    def orders_of(self, order_ids: Collection[str]) -> dict[str, TrackedOrder]:
        """Return the tracked orders among ``order_ids``."""
        ...

    def customers_of(self, customer_ids: Collection[str]) -> dict[str, TrackedCustomer]:
        """Return the tracked customers among ``customer_ids``."""
        ...

    def save(
        self,
        new_orders: Iterable[TrackedOrder],
        changed_orders: Iterable[TrackedOrder],
        customers: Iterable[TrackedCustomer],
    ) -> None:
        """Store new orders, the status of changed ones, and new or changed customers."""
        ...

    def add_to_buckets(self, deltas: dict[tuple[datetime, str], Bucket]) -> None:
        """Add each delta to its (quarter-hour, currency) row."""
        ...

    def add_order_values(self, deltas: dict[tuple[date, str, int], int]) -> None:
        """Add counts of paid orders per (UTC day, currency, value bucket)."""
        ...

    def add_status_counts(self, deltas: dict[str, int]) -> None:
        """Add to the shop-wide count of orders per status."""
        ...
