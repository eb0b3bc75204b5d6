"""Analytics' projection rows and tracking rows of a tenant, as comparable tuples."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model

from emporium.analytics import models as rows
from emporium.analytics.adapters.dashboard_store import DASHBOARD
from emporium.analytics.adapters.dashboard_store import TABLES as dashboard_tables
from emporium.analytics.adapters.store import (
    CUSTOMER_SUMMARY,
    PRODUCT_SALES,
    SALES,
    DjangoCustomerSummaryStore,
    DjangoProductSalesStore,
)
from emporium.infrastructure.projections.models import ProjectionState
from emporium.infrastructure.projections.runner import live_generation
from emporium.multitenancy.context import TenantRef, tenant_context

#: The tables of each projection.
TABLES: dict[str, tuple[type[Model], ...]] = {
    SALES: (rows.OrderFact, rows.RefundFact, rows.DailySales),
    CUSTOMER_SUMMARY: (rows.CustomerSummary, rows.CustomerPaidTotal),
    PRODUCT_SALES: (rows.UnpaidOrderLines, rows.ProductSales, rows.WeeklyProductSales),
    DASHBOARD: dashboard_tables,
}


def days_of(tenant: TenantRef) -> list[tuple[Any, ...]]:
    """Return the tenant's live day rows: day, currency, orders, units, revenue, refunds."""
    # In a transaction: on PostgreSQL a tenant's rows are visible only inside one.
    with tenant_context(tenant), transaction.atomic():
        found = rows.DailySales.objects.filter(generation=live_generation(SALES))
        return list(
            found.order_by("day", "currency").values_list(
                "day", "currency", "orders", "units", "revenue_minor", "refunds_minor"
            )
        )


def facts_of(tenant: TenantRef) -> list[tuple[Any, ...]]:
    """Return the tenant's live order facts, by order id."""
    with tenant_context(tenant), transaction.atomic():
        found = rows.OrderFact.objects.filter(generation=live_generation(SALES))
        return list(
            found.order_by("order_id").values_list(
                "order_id", "placed_on", "units", "revenue_minor", "currency", "cancelled"
            )
        )


def generation_rows(tenant: TenantRef, name: str, generation: int) -> dict[str, list[Any]]:
    """Return every row of projection ``name``'s ``generation``, table by table, comparable."""
    skipped = {"id", "tenant", "generation"}
    with tenant_context(tenant), transaction.atomic():
        found = {}
        for model in TABLES[name]:
            fields = sorted(f.name for f in model._meta.concrete_fields if f.name not in skipped)
            values = model.objects.filter(generation=generation).values_list(*fields)
            found[model.__name__] = sorted(values, key=repr)
        return found


def live_rows(tenant: TenantRef, name: str) -> dict[str, list[Any]]:
    """Return every live row of projection ``name``, table by table."""
    return generation_rows(tenant, name, state_of(tenant, name)[1])


def generations_in_use(tenant: TenantRef, name: str) -> set[int]:
    """Return the generations that have rows of projection ``name``."""
    with tenant_context(tenant), transaction.atomic():
        return {
            generation
            for model in TABLES[name]
            for generation in model.objects.values_list("generation", flat=True)
        }


def state_of(tenant: TenantRef, name: str) -> tuple[int, int, int | None]:
    """Return the projection's position, generation and rebuilding (0, 1, None if it never ran)."""
    with tenant_context(tenant), transaction.atomic():
        state = ProjectionState.objects.filter(name=name).first()
        if state is None:
            return 0, 1, None
        return state.position, state.generation, state.rebuilding


def summaries_of(tenant: TenantRef) -> list[Any]:
    """Return the tenant's live customer summaries."""
    with tenant_context(tenant), transaction.atomic():
        return DjangoCustomerSummaryStore().all()


def product_days_of(tenant: TenantRef) -> list[Any]:
    """Return the tenant's live product sales."""
    with tenant_context(tenant), transaction.atomic():
        return DjangoProductSalesStore().all()
