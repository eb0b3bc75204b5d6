"""A tenant task that reports the tenant it ran in and what it could read."""

from __future__ import annotations

from celery import shared_task
from django.core.cache import caches

from emporium.multitenancy.celery import TenantTask
from emporium.multitenancy.context import require_tenant


@shared_task(base=TenantTask, name="tenant_probe.report_tenant")
def report_tenant(result_key: str) -> str:
    """Store the current tenant's slug under ``result_key`` in the platform cache."""
    slug = require_tenant().slug
    caches["platform"].set(result_key, slug, 60)
    return slug
