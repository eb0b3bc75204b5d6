"""Tenancy use cases with an in-memory repository and the fake unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from emporium.shared_kernel.errors import BusinessRuleViolation, NotFound
from emporium.tenancy.application.use_cases import (
    ChangeSettings,
    CreateTenant,
    DeleteTenant,
    SuspendTenant,
    change_settings,
    create_tenant,
    delete_tenant,
    suspend_tenant,
)
from emporium.tenancy.domain.tenant import Tenant, TenantStatus
from tests.fakes.unit_of_work import FakeUnitOfWork


class InMemoryTenants:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.rows: dict[str, Tenant] = {}

    def add(self, tenant: Tenant) -> None:
        self.rows[tenant.slug] = tenant
        self.uow.track(tenant)

    def get(self, slug: str) -> Tenant | None:
        tenant = self.rows.get(slug)
        if tenant is not None:
            self.uow.track(tenant)
        return tenant

    def save(self, tenant: Tenant) -> None:
        self.rows[tenant.slug] = tenant
        self.uow.track(tenant)

    def remove(self, tenant: Tenant) -> None:
        del self.rows[tenant.slug]
        self.uow.track(tenant)

    def all(self) -> list[Tenant]:
        return sorted(self.rows.values(), key=lambda t: t.slug)


class FakeTenancyUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.tenants = InMemoryTenants(self)


def test_create_tenant_stores_it_with_a_secret_and_publishes_tenant_created() -> None:
    uow = FakeTenancyUnitOfWork()

    tenant = create_tenant(CreateTenant(slug="acme", name="Acme", currency="EUR"), uow)

    assert uow.tenants.rows == {"acme": tenant}
    assert len(tenant.settings.webhook_secret) == 64
    assert [(e.type, e.payload) for e in uow.outbox] == [
        ("tenancy.tenant_created", {"slug": "acme", "name": "Acme", "currency": "EUR"})
    ]


def test_two_tenants_get_different_webhook_secrets() -> None:
    uow = FakeTenancyUnitOfWork()

    a = create_tenant(CreateTenant(slug="acme", name="Acme"), uow)
    b = create_tenant(CreateTenant(slug="globex", name="Globex"), uow)

    assert a.settings.webhook_secret != b.settings.webhook_secret


def test_a_taken_slug_is_refused_and_nothing_is_published() -> None:
    uow = FakeTenancyUnitOfWork()
    create_tenant(CreateTenant(slug="acme", name="Acme"), uow)
    published = list(uow.outbox)

    with pytest.raises(BusinessRuleViolation) as refused:
        create_tenant(CreateTenant(slug="acme", name="Other"), uow)

    assert refused.value.code == "tenant-exists"
    assert uow.outbox == published
    assert uow.tenants.rows["acme"].name == "Acme"


def test_suspend_unknown_tenant_is_not_found() -> None:
    with pytest.raises(NotFound):
        suspend_tenant(SuspendTenant("nobody"), FakeTenancyUnitOfWork())


def test_suspend_tenant_changes_status_and_publishes() -> None:
    uow = FakeTenancyUnitOfWork()
    create_tenant(CreateTenant(slug="acme", name="Acme"), uow)

    tenant = suspend_tenant(SuspendTenant("acme"), uow)

    assert tenant.status is TenantStatus.SUSPENDED
    assert [e.type for e in uow.outbox][-1] == "tenancy.tenant_suspended"


def test_delete_tenant_removes_it_and_publishes_tenant_deleted_with_its_slug() -> None:
    uow = FakeTenancyUnitOfWork()
    created = create_tenant(CreateTenant(slug="acme", name="Acme"), uow)

    delete_tenant(DeleteTenant("acme"), uow)

    assert uow.tenants.rows == {}
    assert [(e.type, e.aggregate_id, e.payload) for e in uow.outbox][-1] == (
        "tenancy.tenant_deleted",
        str(created.id),
        {"slug": "acme"},
    )


def test_deleting_an_unknown_tenant_is_not_found_and_publishes_nothing() -> None:
    uow = FakeTenancyUnitOfWork()

    with pytest.raises(NotFound):
        delete_tenant(DeleteTenant("nobody"), uow)
    assert uow.outbox == []


@pytest.mark.parametrize("in_use", [False, True])
def test_the_currency_changes_only_while_nothing_is_priced_in_it(in_use: bool) -> None:
    uow = FakeTenancyUnitOfWork()
    create_tenant(CreateTenant(slug="acme", name="Acme", currency="USD"), uow)
    before = len(uow.outbox)

    def change() -> Tenant:
        return change_settings(
            ChangeSettings(slug="acme", currency="EUR", name="Acme EU"), uow, lambda: in_use
        )

    if in_use:
        with pytest.raises(BusinessRuleViolation) as refused:
            change()
        assert refused.value.code == "currency-in-use"
        assert (uow.tenants.rows["acme"].settings.currency, uow.tenants.rows["acme"].name) == (
            "USD",
            "Acme",
        )
        assert len(uow.outbox) == before
    else:
        assert change().settings.currency == "EUR"


def test_the_same_currency_again_is_no_change_even_when_in_use() -> None:
    uow = FakeTenancyUnitOfWork()
    create_tenant(CreateTenant(slug="acme", name="Acme", currency="USD"), uow)

    tenant = change_settings(ChangeSettings(slug="acme", currency="USD"), uow, lambda: True)

    assert tenant.settings.currency == "USD"


def test_a_slug_deleted_within_the_quarantine_is_refused_and_free_after_it() -> None:
    uow = FakeTenancyUnitOfWork()
    day = timedelta(days=1)
    deleted = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)

    def deleted_at(slug: str) -> datetime | None:
        return deleted if slug == "acme" else None

    with time_machine.travel(deleted + day - timedelta(seconds=1), tick=False):
        with pytest.raises(BusinessRuleViolation) as refused:
            create_tenant(CreateTenant(slug="acme", name="Acme"), uow, deleted_at, day)
        assert refused.value.code == "slug-quarantined"
        assert refused.value.detail == (
            "A shop 'acme' was deleted at 2026-12-03 12:00 UTC; its slug is free again from "
            "2026-12-04 12:00 UTC."
        )
        assert uow.tenants.rows == {}
        assert uow.outbox == []
        create_tenant(CreateTenant(slug="globex", name="Globex"), uow, deleted_at, day)
    with time_machine.travel(deleted + day, tick=False):
        created = create_tenant(CreateTenant(slug="acme", name="Acme"), uow, deleted_at, day)
    assert uow.tenants.rows["acme"] is created
