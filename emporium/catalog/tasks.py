"""Celery tasks of the catalog: warming the cache of one tenant, or of every active tenant."""

from __future__ import annotations

from celery import shared_task

from emporium.catalog.adapters.warming import catalog_warmer
from emporium.multitenancy.celery import TenantTask
from emporium.multitenancy.context import tenant_context
from emporium.tenancy.public import active_tenants


@shared_task(base=TenantTask, name="catalog.warm_catalog_cache")
def warm_catalog_cache(patterns: list[str] | None = None) -> dict[str, int]:
    """Warm the catalog cache of the tenant the task was sent from; return units per pattern."""
    return catalog_warmer().warm(patterns).counts


@shared_task(name="catalog.warm_all_tenants")
def warm_all_tenants(patterns: list[str] | None = None) -> list[str]:
    """Send one warming task per active tenant, from inside it; return the tenants' slugs."""
    catalog_warmer().select(patterns)  # an unknown pattern fails once, here, not per tenant
    tenants = active_tenants()
    for tenant in tenants:
        with tenant_context(tenant):
            warm_catalog_cache.delay(patterns)
    return [tenant.slug for tenant in tenants]
