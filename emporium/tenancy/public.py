"""What other contexts may use of tenancy: the tenant context and tenant-owned data."""

from emporium.tenancy.admin_base import TenantModelAdmin
from emporium.tenancy.celery import TenantTask
from emporium.tenancy.commands import TenantCommand
from emporium.tenancy.context import (
    TenantContextMissing,
    TenantRef,
    carry_context,
    current_tenant,
    require_tenant,
    tenant_context,
)
from emporium.tenancy.scoping import (
    TenantMismatch,
    TenantOrPlatformManager,
    TenantOwnedModel,
)


def shop_currency() -> str:
    """Return the current tenant's currency, from its settings."""
    from emporium.tenancy.models import TenantSettings  # late: models import this module

    currency: str = TenantSettings.objects.values_list("currency", flat=True).get()
    return currency


def shop_name() -> str:
    """Return the current tenant's display name."""
    from emporium.tenancy.models import Tenant  # late: models import this module

    name: str = Tenant.objects.values_list("name", flat=True).get(id=require_tenant().id)
    return name


__all__ = [
    "TenantCommand",
    "TenantContextMissing",
    "TenantMismatch",
    "TenantModelAdmin",
    "TenantOrPlatformManager",
    "TenantOwnedModel",
    "TenantRef",
    "TenantTask",
    "carry_context",
    "current_tenant",
    "require_tenant",
    "shop_currency",
    "shop_name",
    "tenant_context",
]
