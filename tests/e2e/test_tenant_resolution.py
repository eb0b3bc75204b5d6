"""The tenant of a request comes from its host or X-Tenant, exactly as API.md says."""

from __future__ import annotations

import pytest
from django.test import Client, TestCase

from emporium.infrastructure.bus import message_bus
from emporium.multitenancy.context import current_tenant, tenant_context
from emporium.tenancy.adapters.repository import DjangoTenancyUnitOfWork
from emporium.tenancy.adapters.resolution import forget_tenant
from emporium.tenancy.application.use_cases import SuspendTenant, suspend_tenant
from emporium.tenancy.models import Tenant, TenantHost

django_capture_on_commit_callbacks = TestCase.captureOnCommitCallbacks

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.testapps.tenant_probe.urls")]
BASE = "https://emporium.example/problems/"


@pytest.fixture
def tenants(acme_and_globex):
    return acme_and_globex


def get(host: str = "localhost", **headers: str):
    return Client(raise_request_exception=False).get(
        "/probe/items/", HTTP_HOST=host, **{f"HTTP_{k}": v for k, v in headers.items()}
    )


def test_tenant_from_host_label(tenants) -> None:
    acme, _ = tenants

    response = get("acme.localhost:8000")

    assert response.status_code == 200
    if response.json()["setting"] is not None:  # PostgreSQL reports the RLS setting
        assert response.json()["setting"] == str(acme.id)


def test_tenant_from_header_when_host_is_not_a_tenant_host(tenants) -> None:
    assert get("127.0.0.1", X_TENANT="globex").status_code == 200
    assert get("localhost", X_TENANT="globex").status_code == 200


def test_host_and_matching_header_are_fine(tenants) -> None:
    assert get("acme.localhost", X_TENANT="acme").status_code == 200


def test_header_naming_another_tenant_than_the_host_is_400(tenants) -> None:
    response = get("acme.localhost", X_TENANT="globex")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == BASE + "tenant-mismatch"


def test_unknown_tenant_is_404_by_host_and_by_header(tenants) -> None:
    by_host = get("initech.localhost")
    by_header = get("localhost", X_TENANT="initech")

    assert (by_host.status_code, by_header.status_code) == (404, 404)
    assert by_host.json()["type"] == BASE + "tenant-not-found"


@pytest.mark.parametrize("header", ["ac\x00me", "acme\x7f", "a" * 5_000, "acme.globex"])
def test_a_header_that_is_no_slug_is_404_tenant_not_found(tenants, header: str) -> None:
    response = get("localhost", X_TENANT=header)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == BASE + "tenant-not-found"


def test_suspended_tenant_is_403_tenant_suspended_at_once(tenants) -> None:
    assert get("globex.localhost").status_code == 200  # cached as active
    Tenant.objects.filter(slug="globex").update(status="suspended")
    forget_tenant("globex")

    response = get("globex.localhost")

    assert response.status_code == 403
    assert response.json()["type"] == BASE + "tenant-suspended"


def test_custom_host_maps_to_its_tenant(tenants, settings) -> None:
    acme, _ = tenants
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "shop.acme.example"]
    with tenant_context(acme):  # the map is readable by all, writable by its tenant only
        TenantHost.objects.create(tenant_id=acme.id, host="shop.acme.example")

    response = get("shop.acme.example")

    assert response.status_code == 200


def test_bare_base_domain_without_header_is_a_platform_request(tenants) -> None:
    response = Client().get("/healthz", HTTP_HOST="localhost")

    assert response.status_code == 200


def test_context_is_cleared_after_the_request_even_when_the_view_raises(tenants) -> None:
    response = Client(raise_request_exception=False).get("/probe/boom/", HTTP_HOST="acme.localhost")

    assert response.status_code == 500
    assert current_tenant() is None


def test_suspension_through_the_use_case_is_seen_by_the_next_request(tenants) -> None:
    assert get("acme.localhost").status_code == 200  # cached as active

    # The platform runs this on the owner's connection; the test's data is on "default".
    uow = DjangoTenancyUnitOfWork(message_bus(), using="default")
    with django_capture_on_commit_callbacks(execute=True):
        suspend_tenant(SuspendTenant("acme"), uow)

    assert get("acme.localhost").status_code == 403
