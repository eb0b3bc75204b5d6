"""What other contexts may use of the tenancy context: a shop's settings, the active shops, and
the events of a shop's suspension and reactivation (the security audit log records them)."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from emporium.multitenancy.context import TenantRef, require_tenant
from emporium.tenancy.adapters.commands import EachTenantCommand, TenantCommand
from emporium.tenancy.domain.events import TenantReactivated, TenantSuspended


def _settings(*fields: str) -> tuple[Any, ...]:
    """Return ``fields`` of the current tenant's settings, in one query."""
    from emporium.tenancy.models import TenantSettings  # late: models import this module

    return tuple(TenantSettings.objects.values_list(*fields).get())


def shop_currency() -> str:
    """Return the current tenant's currency, from its settings."""
    (currency,) = _settings("currency")
    return str(currency)


def shop_terms() -> tuple[str, Decimal]:
    """Return the current tenant's currency and tax rate (a percentage), in one query."""
    currency, tax_rate = _settings("currency", "tax_rate")
    return str(currency), Decimal(tax_rate)


def shop_time_zone() -> str:
    """Return the current tenant's IANA time zone, in which its reports' days fall."""
    (zone,) = _settings("time_zone")
    return str(zone)


def shop_currency_and_time_zone() -> tuple[str, str]:
    """Return the current tenant's currency and IANA time zone, in one query."""
    currency, zone = _settings("currency", "time_zone")
    return str(currency), str(zone)


def enabled_payment_methods() -> list[str]:
    """Return the payment methods the current tenant accepts, from its settings."""
    (methods,) = _settings("payment_methods")
    return [str(method) for method in methods or []]


def webhook_secret() -> str:
    """Return the current tenant's webhook signing secret (never shown by the API)."""
    (secret,) = _settings("webhook_secret")
    return str(secret)


def active_tenants() -> list[TenantRef]:
    """Return every active tenant (a platform read: the tenant table is not tenant-owned)."""
    from emporium.tenancy.models import Tenant  # late: models import this module

    rows = Tenant.objects.filter(status="active").order_by("slug").values_list("id", "slug")
    return [TenantRef(id=tenant_id, slug=slug) for tenant_id, slug in rows]


def active_tenant(slug: str) -> TenantRef | None:
    """Return the active tenant named ``slug`` (the cached host lookup), or None."""
    from emporium.tenancy.adapters.resolution import (
        active_tenant as lookup,  # late: it imports models
    )

    return lookup(slug)


def tenant_exists(slug: str) -> bool:
    """Return whether a tenant named ``slug`` exists, active or suspended (cached lookup)."""
    from emporium.tenancy.adapters.resolution import (
        tenant_exists as lookup,  # late: it imports models
    )

    return lookup(slug)


def tenant_id(slug: str) -> UUID | None:
    """Return the id of the tenant named ``slug`` now, active or suspended (read, not cached)."""
    from emporium.tenancy.adapters.resolution import (
        tenant_id as lookup,  # late: it imports models
    )

    return lookup(slug)


def shop_name() -> str:
    """Return the current tenant's display name."""
    from emporium.tenancy.models import Tenant  # late: models import this module

    name: str = Tenant.objects.values_list("name", flat=True).get(id=require_tenant().id)
    return name


__all__ = [
    "EachTenantCommand",
    "TenantCommand",
    "TenantReactivated",
    "TenantSuspended",
    "active_tenant",
    "active_tenants",
    "enabled_payment_methods",
    "shop_currency",
    "shop_currency_and_time_zone",
    "shop_name",
    "shop_terms",
    "shop_time_zone",
    "tenant_exists",
    "tenant_id",
    "webhook_secret",
]
