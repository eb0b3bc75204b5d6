"""Tenant aggregate rules, without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput
from emporium.tenancy.domain.events import TenantCreated, TenantSuspended
from emporium.tenancy.domain.tenant import Tenant, TenantSettings, TenantStatus


def test_create_records_tenant_created_with_defaults() -> None:
    tenant = Tenant.create("acme", " Acme Inc. ", TenantSettings())

    assert tenant.name == "Acme Inc."
    assert tenant.status is TenantStatus.ACTIVE
    assert tenant.settings.tax_rate == Decimal("8.00")
    assert tenant.settings.payment_methods == ("card",)
    [event] = tenant.pull_events()
    assert isinstance(event, TenantCreated)
    assert event.type == "tenancy.tenant_created"
    assert event.payload() == {"slug": "acme", "name": "Acme Inc.", "currency": "USD"}
    assert event.aggregate_version == 1


@pytest.mark.parametrize("slug", ["", "Acme", "-acme", "acme-", "a.b", "www", "admin", "x" * 41])
def test_slug_must_be_a_plain_host_label_and_not_reserved(slug: str) -> None:
    with pytest.raises(InvalidInput):
        Tenant.create(slug, "Shop", TenantSettings())


def test_suspend_then_reactivate_and_not_twice() -> None:
    tenant = Tenant.create("acme", "Acme", TenantSettings())
    tenant.pull_events()

    tenant.suspend()
    with pytest.raises(BusinessRuleViolation):
        tenant.suspend()
    tenant.reactivate()

    assert tenant.is_active
    assert [type(e).__name__ for e in tenant.pull_events()] == [
        "TenantSuspended",
        "TenantReactivated",
    ]
    assert isinstance(TenantSuspended, type)


@pytest.mark.parametrize("rate", [Decimal("-1"), Decimal("100.01")])
def test_tax_rate_is_a_percentage(rate: Decimal) -> None:
    with pytest.raises(InvalidInput):
        TenantSettings(tax_rate=rate)


def test_currency_must_be_known() -> None:
    with pytest.raises(InvalidInput):
        TenantSettings(currency="usd")


def test_settings_default_to_utc_and_take_an_iana_time_zone() -> None:
    assert TenantSettings().time_zone == "UTC"
    assert TenantSettings(time_zone="Asia/Kathmandu").time_zone == "Asia/Kathmandu"


@pytest.mark.parametrize("zone", ["", "Mars/Olympus_Mons", "europe/berlin", "+02:00"])
def test_settings_refuse_a_time_zone_that_is_no_iana_name(zone: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        TenantSettings(time_zone=zone)

    assert raised.value.errors == {"time_zone": ["An IANA time zone such as Europe/Berlin."]}
