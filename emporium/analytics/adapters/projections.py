"""Analytics' projections as the runner knows them: a name, event types, a fold, a drop."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from emporium.analytics.adapters.dashboard_store import DASHBOARD, DjangoDashboardStore
from emporium.analytics.adapters.store import (
    CUSTOMER_SUMMARY,
    PRODUCT_SALES,
    SALES,
    DjangoCustomerSummaryStore,
    DjangoProductSalesStore,
    DjangoSalesStore,
)
from emporium.analytics.application import dashboard_projection, projections
from emporium.infrastructure.projections.ports import PositionedEvent


@dataclass(frozen=True)
class StoreProjection:
    """A projection whose fold writes through a store of one generation."""

    name: str
    event_types: frozenset[str]
    fold: Callable[[Sequence[Any], Any], None]
    store: Callable[[int], Any]  # the store of a generation; it has drop()

    def apply(self, events: Sequence[PositionedEvent], generation: int) -> None:
        self.fold([event.envelope for event in events], self.store(generation))

    def drop(self, generation: int) -> None:
        self.store(generation).drop()


SALES_PROJECTION = StoreProjection(
    SALES, projections.SALES_EVENTS, projections.apply_sales, DjangoSalesStore
)
CUSTOMER_SUMMARY_PROJECTION = StoreProjection(
    CUSTOMER_SUMMARY,
    projections.CUSTOMER_EVENTS,
    projections.apply_customer_summaries,
    DjangoCustomerSummaryStore,
)
PRODUCT_SALES_PROJECTION = StoreProjection(
    PRODUCT_SALES,
    projections.PRODUCT_EVENTS,
    projections.apply_product_sales,
    DjangoProductSalesStore,
)

DASHBOARD_PROJECTION = StoreProjection(
    DASHBOARD,
    dashboard_projection.DASHBOARD_EVENTS,
    dashboard_projection.apply_dashboard,
    DjangoDashboardStore,
)

PROJECTIONS = (
    SALES_PROJECTION,
    CUSTOMER_SUMMARY_PROJECTION,
    PRODUCT_SALES_PROJECTION,
    DASHBOARD_PROJECTION,
)
