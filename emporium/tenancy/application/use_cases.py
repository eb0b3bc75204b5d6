"""Platform use cases on tenants: create, suspend, reactivate."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from emporium.shared_kernel.errors import BusinessRuleViolation, NotFound
from emporium.tenancy.application.ports import TenancyUnitOfWork
from emporium.tenancy.domain.tenant import (
    DEFAULT_PAYMENT_METHODS,
    DEFAULT_TAX_RATE,
    Tenant,
    TenantSettings,
)


@dataclass(frozen=True)
class CreateTenant:
    slug: str
    name: str
    currency: str = "USD"
    tax_rate: Decimal = DEFAULT_TAX_RATE
    payment_methods: tuple[str, ...] = DEFAULT_PAYMENT_METHODS


@dataclass(frozen=True)
class SuspendTenant:
    slug: str


@dataclass(frozen=True)
class ReactivateTenant:
    slug: str


#: ``(slug) -> when a shop of that slug was last deleted``, or None if none was.
DeletedAt = Callable[[str], datetime | None]


def never_deleted(slug: str) -> datetime | None:
    return None


def create_tenant(
    cmd: CreateTenant,
    uow: TenancyUnitOfWork,
    deleted_at: DeletedAt = never_deleted,
    quarantine: timedelta = timedelta(0),
) -> Tenant:
    """Create an active tenant with its own webhook secret; its slug must be free.

    A slug whose shop was deleted less than ``quarantine`` ago is not free yet: messages and
    tasks of the old shop still queued name it, and must not reach a new one (ADR 0023).
    """
    settings = TenantSettings(
        currency=cmd.currency,
        tax_rate=cmd.tax_rate,
        payment_methods=cmd.payment_methods,
        webhook_secret=secrets.token_hex(32),
    )
    tenant = Tenant.create(cmd.slug, cmd.name, settings)
    with uow:
        if uow.tenants.get(cmd.slug) is not None:
            raise BusinessRuleViolation(
                f"Tenant {cmd.slug!r} exists already.", code="tenant-exists"
            )
        deleted = deleted_at(cmd.slug)
        if deleted is not None and datetime.now(UTC) < deleted + quarantine:
            free = (deleted + quarantine).astimezone(UTC)
            raise BusinessRuleViolation(
                f"A shop {cmd.slug!r} was deleted at {deleted.astimezone(UTC):%Y-%m-%d %H:%M} "
                f"UTC; its slug is free again from {free:%Y-%m-%d %H:%M} UTC.",
                code="slug-quarantined",
            )
        uow.tenants.add(tenant)
        uow.commit()
    return tenant


def _load(uow: TenancyUnitOfWork, slug: str) -> Tenant:
    tenant = uow.tenants.get(slug)
    if tenant is None:
        raise NotFound(f"No tenant {slug!r}.")
    return tenant


def suspend_tenant(cmd: SuspendTenant, uow: TenancyUnitOfWork) -> Tenant:
    """Suspend a tenant: its data stays, its requests get 403."""
    with uow:
        tenant = _load(uow, cmd.slug)
        tenant.suspend()
        uow.tenants.save(tenant)
        uow.commit()
    return tenant


def reactivate_tenant(cmd: ReactivateTenant, uow: TenancyUnitOfWork) -> Tenant:
    """Serve a suspended tenant again."""
    with uow:
        tenant = _load(uow, cmd.slug)
        tenant.reactivate()
        uow.tenants.save(tenant)
        uow.commit()
    return tenant


@dataclass(frozen=True)
class DeleteTenant:
    slug: str


def delete_tenant(cmd: DeleteTenant, uow: TenancyUnitOfWork) -> Tenant:
    """Remove a tenant, its settings and hosts; the caller has removed every other row of it."""
    with uow:
        tenant = _load(uow, cmd.slug)
        tenant.delete()
        uow.tenants.remove(tenant)
        uow.commit()
    return tenant


@dataclass(frozen=True)
class ChangeSettings:
    slug: str
    name: str | None = None
    currency: str | None = None
    tax_rate: Decimal | None = None
    payment_methods: tuple[str, ...] | None = None
    time_zone: str | None = None


def change_settings(
    cmd: ChangeSettings,
    uow: TenancyUnitOfWork,
    currency_in_use: Callable[[], bool] = lambda: False,
) -> Tenant:
    """Change a tenant's name and commercial settings (owners only, checked by the caller).

    The currency changes only while nothing is priced in it yet (``currency_in_use``): prices,
    orders, payments and sales figures are all in the shop's one currency, and converting them
    would need exchange rates (ADR 0014).
    """
    with uow:
        tenant = _load(uow, cmd.slug)
        if (
            cmd.currency is not None
            and cmd.currency != tenant.settings.currency
            and currency_in_use()
        ):
            raise BusinessRuleViolation(
                f"The shop already has products or orders in {tenant.settings.currency}; "
                "its currency can no longer change.",
                code="currency-in-use",
            )
        if cmd.name is not None:
            tenant.rename(cmd.name)
        changes = {
            key: value
            for key, value in {
                "currency": cmd.currency,
                "tax_rate": cmd.tax_rate,
                "payment_methods": cmd.payment_methods,
                "time_zone": cmd.time_zone,
            }.items()
            if value is not None
        }
        if changes:
            tenant.change_settings(**changes)
        uow.tenants.save(tenant)
        uow.commit()
    return tenant
