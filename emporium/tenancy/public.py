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
    "tenant_context",
]
