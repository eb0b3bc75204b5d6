"""Tenants on the ORM, mapped explicitly between rows and the aggregate."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from emporium.multitenancy.context import TenantRef, current_tenant_slug, tenant_context
from emporium.shared_kernel.messagebus import MessageBus
from emporium.tenancy.adapters.resolution import forget_host, forget_tenant
from emporium.tenancy.domain.tenant import Tenant, TenantSettings, TenantStatus
from emporium.tenancy.models import Tenant as TenantRow
from emporium.tenancy.models import TenantHost as HostRow
from emporium.tenancy.models import TenantSettings as SettingsRow

PLATFORM_ALIAS = "admin"  # tenants are managed across tenants, by the owner role


def to_domain(row: TenantRow, settings: SettingsRow) -> Tenant:
    """Return the aggregate of a tenant row and its settings row."""
    return Tenant(
        id=row.id,
        version=row.version,
        slug=row.slug,
        name=row.name,
        status=TenantStatus(row.status),
        created_at=row.created_at,
        settings=TenantSettings(
            currency=settings.currency,
            tax_rate=Decimal(settings.tax_rate),
            payment_methods=tuple(settings.payment_methods),
            webhook_secret=settings.webhook_secret,
            time_zone=settings.time_zone,
        ),
    )


def settings_row(tenant: Tenant) -> SettingsRow:
    """Return the settings row of an aggregate."""
    return SettingsRow(
        tenant_id=tenant.id,
        currency=tenant.settings.currency,
        tax_rate=tenant.settings.tax_rate,
        payment_methods=list(tenant.settings.payment_methods),
        webhook_secret=tenant.settings.webhook_secret,
        time_zone=tenant.settings.time_zone,
    )


class DjangoTenantRepository:
    """Implement ``TenantRepository`` on the owner's connection."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow

    def _settings_of(self, row: TenantRow) -> SettingsRow:
        # In the row's own tenant context, so it works on the app's connection under RLS too.
        with tenant_context(TenantRef(row.id, row.slug)):
            settings: SettingsRow = SettingsRow.objects.using(self.uow.using).get(tenant_id=row.id)
            return settings

    def add(self, tenant: Tenant) -> None:
        TenantRow.objects.using(self.uow.using).create(
            id=tenant.id,
            slug=tenant.slug,
            name=tenant.name,
            status=tenant.status.value,
            version=tenant.version,
        )
        with tenant_context(TenantRef(tenant.id, tenant.slug)):
            settings_row(tenant).save(using=self.uow.using, force_insert=True)
        # A lookup of the slug before it existed may have cached "missing".
        slug = tenant.slug
        transaction.on_commit(lambda: forget_tenant(slug), using=self.uow.using)
        self.uow.track(tenant)

    def get(self, slug: str) -> Tenant | None:
        row = TenantRow.objects.using(self.uow.using).filter(slug=slug).first()
        if row is None:
            return None
        tenant = to_domain(row, self._settings_of(row))
        self.uow.track(tenant)
        return tenant

    def save(self, tenant: Tenant) -> None:
        TenantRow.objects.using(self.uow.using).filter(id=tenant.id).update(
            name=tenant.name, status=tenant.status.value, version=tenant.version
        )
        with tenant_context(TenantRef(tenant.id, tenant.slug)):
            settings_row(tenant).save(using=self.uow.using, force_update=True)
        # Requests must see a suspension once it commits, not when the lookup cache expires.
        slug = tenant.slug
        transaction.on_commit(lambda: forget_tenant(slug), using=self.uow.using)
        self.uow.track(tenant)

    def remove(self, tenant: Tenant) -> None:
        hosts = list(
            HostRow.objects.using(self.uow.using)
            .filter(tenant_id=tenant.id)
            .values_list("host", flat=True)
        )
        # In the tenant's own context: the delete's check for rows that still point at the
        # tenant (every key to it protects) looks through the tenant-scoped managers.
        with tenant_context(TenantRef(tenant.id, tenant.slug)):
            HostRow.objects.using(self.uow.using).filter(tenant_id=tenant.id).delete()
            SettingsRow.objects.using(self.uow.using).filter(tenant_id=tenant.id).delete()
            TenantRow.objects.using(self.uow.using).filter(id=tenant.id).delete()
        slug = tenant.slug

        def forget() -> None:
            forget_tenant(slug)
            for host in hosts:
                forget_host(host)

        transaction.on_commit(forget, using=self.uow.using)
        self.uow.track(tenant)

    def all(self) -> list[Tenant]:
        rows = list(TenantRow.objects.using(self.uow.using).order_by("slug"))
        tenants = [to_domain(row, self._settings_of(row)) for row in rows]
        for tenant in tenants:
            self.uow.track(tenant)
        return tenants


class DjangoTenancyUnitOfWork(DjangoUnitOfWork):
    """The unit of work of tenancy use cases: the owner's connection, the tenant repository."""

    def __init__(self, bus: MessageBus, using: str = PLATFORM_ALIAS) -> None:
        super().__init__(bus, tenant=current_tenant_slug, using=using)
        self.tenants = DjangoTenantRepository(self)
