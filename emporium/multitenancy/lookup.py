"""Find an active tenant by slug through the lookup that settings name.

The platform does not know where tenants are stored: ``MULTITENANCY_TENANT_LOOKUP`` names a
function ``(slug) -> TenantRef | None`` (the tenancy context's cached host lookup here).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from emporium.multitenancy.context import TenantRef


@cache
def _lookup() -> Callable[[str], TenantRef | None]:
    found: Callable[[str], TenantRef | None] = import_string(settings.MULTITENANCY_TENANT_LOOKUP)
    return found


def active_tenant(slug: str) -> TenantRef | None:
    """Return the active tenant named ``slug``, or None."""
    return _lookup()(slug)
