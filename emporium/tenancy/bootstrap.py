"""Wire tenancy use cases to their adapters; commands and the admin call these."""

from __future__ import annotations

from emporium.infrastructure.bus import message_bus
from emporium.tenancy.adapters.repository import DjangoTenancyUnitOfWork
from emporium.tenancy.application import use_cases
from emporium.tenancy.domain.tenant import Tenant


def create_tenant(cmd: use_cases.CreateTenant) -> Tenant:
    """Create a tenant on the owner's connection."""
    return use_cases.create_tenant(cmd, DjangoTenancyUnitOfWork(message_bus()))


def suspend_tenant(slug: str) -> Tenant:
    """Suspend the tenant ``slug``."""
    return use_cases.suspend_tenant(
        use_cases.SuspendTenant(slug), DjangoTenancyUnitOfWork(message_bus())
    )


def reactivate_tenant(slug: str) -> Tenant:
    """Reactivate the tenant ``slug``."""
    return use_cases.reactivate_tenant(
        use_cases.ReactivateTenant(slug), DjangoTenancyUnitOfWork(message_bus())
    )


def list_tenants() -> list[Tenant]:
    """Return every tenant."""
    uow = DjangoTenancyUnitOfWork(message_bus())
    with uow:
        return uow.tenants.all()
