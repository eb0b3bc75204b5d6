"""Wire tenancy use cases to their adapters; commands, the admin and views call these."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.utils.module_loading import import_string

from emporium.infrastructure.bus import message_bus
from emporium.multitenancy.context import require_tenant
from emporium.tenancy.adapters.repository import DjangoTenancyUnitOfWork
from emporium.tenancy.application import use_cases
from emporium.tenancy.domain.tenant import Tenant


def create_tenant(cmd: use_cases.CreateTenant) -> Tenant:
    """Create a tenant on the owner's connection, unless its slug is in quarantine.

    ``TENANCY_DELETED_AT`` names the function that tells when a shop of a slug was deleted
    (the platform's audit keeps it: identity, above tenancy, so named in settings);
    ``EMPORIUM_SLUG_QUARANTINE`` is how long a deleted shop's slug stays taken.
    """
    name = getattr(settings, "TENANCY_DELETED_AT", "")
    deleted_at: use_cases.DeletedAt = import_string(name) if name else use_cases.never_deleted
    return use_cases.create_tenant(
        cmd,
        DjangoTenancyUnitOfWork(message_bus()),
        deleted_at=deleted_at,
        quarantine=getattr(settings, "EMPORIUM_SLUG_QUARANTINE", timedelta(0)),
    )


def suspend_tenant(cmd: use_cases.SuspendTenant) -> Tenant:
    """Suspend a tenant on the owner's connection."""
    return use_cases.suspend_tenant(cmd, DjangoTenancyUnitOfWork(message_bus()))


def reactivate_tenant(cmd: use_cases.ReactivateTenant) -> Tenant:
    """Reactivate a tenant on the owner's connection."""
    return use_cases.reactivate_tenant(cmd, DjangoTenancyUnitOfWork(message_bus()))


def delete_tenant(cmd: use_cases.DeleteTenant) -> Tenant:
    """Remove a tenant's own rows on the owner's connection (offboarding removed the rest)."""
    return use_cases.delete_tenant(cmd, DjangoTenancyUnitOfWork(message_bus()))


def change_settings(
    cmd: use_cases.ChangeSettings, currency_in_use: Callable[[], bool] = lambda: False
) -> Tenant:
    """Change a tenant's name and settings on the app's connection, in the request's transaction.

    ``currency_in_use`` answers whether anything is priced in the shop's currency yet; the
    caller that knows the shop's products and orders passes it (tenancy knows neither).
    """
    return use_cases.change_settings(
        cmd, DjangoTenancyUnitOfWork(message_bus(), using="default"), currency_in_use
    )


def list_tenants() -> list[Tenant]:
    """Return every tenant, read on the owner's connection."""
    uow = DjangoTenancyUnitOfWork(message_bus())
    with uow:
        return uow.tenants.all()


def current_tenant() -> Tenant | None:
    """Return the current tenant, read on the app's connection, in the request's transaction."""
    uow = DjangoTenancyUnitOfWork(message_bus(), using="default")
    with uow:
        return uow.tenants.get(require_tenant().slug)
