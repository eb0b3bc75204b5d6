"""Find an active tenant by slug through the lookup that settings name.

The platform does not know where tenants are stored: ``MULTITENANCY_TENANT_LOOKUP`` names a
function ``(slug) -> TenantRef | None`` (the tenancy context's cached host lookup here), and
``MULTITENANCY_TENANT_EXISTS`` one ``(slug) -> bool`` that tells a suspended tenant from a
deleted one (without it, every tenant is taken to exist), and ``MULTITENANCY_TENANT_ID`` one
``(slug) -> UUID | None`` that tells a deleted tenant from a new one of the same slug.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from uuid import UUID

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


@cache
def _exists() -> Callable[[str], bool] | None:
    name = getattr(settings, "MULTITENANCY_TENANT_EXISTS", "")
    return import_string(name) if name else None


def tenant_exists(slug: str) -> bool:
    """Return whether a tenant named ``slug`` exists, active or not (False once deleted)."""
    exists = _exists()
    return True if exists is None else bool(exists(slug))


@cache
def _id_of() -> Callable[[str], UUID | None] | None:
    name = getattr(settings, "MULTITENANCY_TENANT_ID", "")
    return import_string(name) if name else None


def still_exists(tenant: TenantRef) -> bool:
    """Return whether ``tenant`` (its id, not only its slug) exists, active or not.

    False once it was deleted, even if a new tenant has taken its slug since.
    """
    id_of = _id_of()
    if id_of is None:
        return tenant_exists(tenant.slug)
    return id_of(tenant.slug) == tenant.id
