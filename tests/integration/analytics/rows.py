"""The sales read model's rows of a tenant, as comparable tuples."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from emporium.analytics.models import DailySales, OrderFact
from emporium.multitenancy.context import TenantRef, tenant_context


def days_of(tenant: TenantRef) -> list[tuple[Any, ...]]:
    """Return the tenant's day rows: day, currency, orders, units, revenue_minor."""
    # In a transaction: on PostgreSQL a tenant's rows are visible only inside one.
    with tenant_context(tenant), transaction.atomic():
        rows = DailySales.objects.order_by("day", "currency")
        return list(rows.values_list("day", "currency", "orders", "units", "revenue_minor"))


def facts_of(tenant: TenantRef) -> list[tuple[Any, ...]]:
    """Return the tenant's order facts, by order id."""
    with tenant_context(tenant), transaction.atomic():
        rows = OrderFact.objects.order_by("order_id")
        return list(
            rows.values_list(
                "order_id", "placed_on", "units", "revenue_minor", "currency", "cancelled"
            )
        )
