"""Find the tenant a request is for, from its host or its ``X-Tenant`` header (API.md)."""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.http.request import split_domain_port

from emporium.multitenancy.context import TenantRef
from emporium.tenancy.domain.tenant import SLUG_PATTERN, TenantStatus
from emporium.tenancy.models import Tenant, TenantHost

LOOKUP_TTL = 60  # seconds; saves of tenants and hosts delete their entries at once
MISSING = "-"


class TenantResolutionError(Exception):
    """The request names a tenant that cannot serve it."""

    status = 400
    code = "tenant-invalid"


class UnknownTenant(TenantResolutionError):
    status = 404
    code = "tenant-not-found"


class SuspendedTenant(TenantResolutionError):
    status = 403
    code = "tenant-suspended"


class ConflictingTenant(TenantResolutionError):
    status = 400
    code = "tenant-mismatch"


@dataclass(frozen=True)
class _Cached:
    id: str
    slug: str
    status: str


def platform_cache() -> BaseCache:
    """Return the cache for keys that belong to no tenant."""
    return caches["platform"]


def slug_key(slug: str) -> str:
    return f"tenancy:slug:{slug}"


def host_key(host: str) -> str:
    return f"tenancy:host:{host}"


def _tenant_by_slug(slug: str) -> _Cached | None:
    cache = platform_cache()
    cached = cache.get(slug_key(slug))
    if cached == MISSING:
        return None
    if cached is None:
        row = Tenant.objects.filter(slug=slug).values_list("id", "slug", "status").first()
        cached = _Cached(str(row[0]), row[1], row[2]) if row else MISSING
        cache.set(slug_key(slug), cached, LOOKUP_TTL)
    return None if cached == MISSING else cached


def _slug_by_custom_host(host: str) -> str | None:
    cache = platform_cache()
    cached = cache.get(host_key(host))
    if cached is None:
        cached = (
            TenantHost.objects.filter(host=host).values_list("tenant__slug", flat=True).first()
            or MISSING
        )
        cache.set(host_key(host), cached, LOOKUP_TTL)
    return None if cached == MISSING else cached


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def slug_from_host(host: str) -> str | None:
    """Return the slug a host names: a custom host, or the label under the base domain."""
    host = host.lower().rstrip(".")
    base = settings.EMPORIUM_BASE_DOMAIN.lower()
    if host == base or _is_ip(host):
        return None
    if host.endswith("." + base):
        return host[: -len(base) - 1].rsplit(".", 1)[-1]
    return _slug_by_custom_host(host)


def resolve_tenant(host: str, header: str | None) -> TenantRef | None:
    """Return the tenant for ``host`` and ``X-Tenant``, None for a platform request, or raise."""
    domain, _port = split_domain_port(host)
    from_host = slug_from_host(domain or host)
    header = (header or "").strip().lower() or None
    if from_host is not None and header is not None and header != from_host:
        raise ConflictingTenant(f"X-Tenant names {header!r} but the host is {from_host!r}.")
    slug = from_host or header
    if slug is None:
        return None
    if not SLUG_PATTERN.fullmatch(slug):  # no lookup: PostgreSQL refuses a NUL in a query
        raise UnknownTenant(f"No tenant {slug!r}.")
    found = _tenant_by_slug(slug)
    if found is None:
        raise UnknownTenant(f"No tenant {slug!r}.")
    if found.status != TenantStatus.ACTIVE.value:
        raise SuspendedTenant(f"Tenant {slug!r} is suspended.")
    return TenantRef(id=uuid.UUID(found.id), slug=found.slug)


def active_tenant(slug: str) -> TenantRef | None:
    """Return the active tenant named ``slug`` (from the cached lookup), or None."""
    found = _tenant_by_slug(slug)
    if found is None or found.status != TenantStatus.ACTIVE.value:
        return None
    return TenantRef(id=uuid.UUID(found.id), slug=found.slug)


def tenant_exists(slug: str) -> bool:
    """Return whether a tenant named ``slug`` exists, active or suspended.

    The cached lookup answers yes; a "missing" is read again from the table, since the cache
    may hold one from before the tenant was created (and a no drops a message for good).
    """
    if SLUG_PATTERN.fullmatch(slug) is None:
        return False
    return _tenant_by_slug(slug) is not None or Tenant.objects.filter(slug=slug).exists()


def tenant_id(slug: str) -> uuid.UUID | None:
    """Return the id of the tenant named ``slug``, active or suspended, or None.

    Read from the table, not the cached lookup: a no drops a task for good, and an entry cached
    before the slug changed hands would name the old tenant.
    """
    if SLUG_PATTERN.fullmatch(slug) is None:
        return None
    row = Tenant.objects.filter(slug=slug).values_list("id", flat=True).first()
    return None if row is None else uuid.UUID(str(row))


def forget_tenant(slug: str) -> None:
    """Drop the cached lookup of ``slug`` (after a save or a suspension)."""
    platform_cache().delete(slug_key(slug))


def forget_host(host: str) -> None:
    """Drop the cached lookup of custom ``host`` (after it was removed)."""
    platform_cache().delete(host_key(host))
