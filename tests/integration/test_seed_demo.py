"""seed_demo creates the demo shops of API.md, idempotently, and only with DEBUG on."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory

from emporium.catalog.models import Category, Product
from emporium.identity.models import User
from emporium.inventory.models import StockItem
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.tenancy.models import Tenant

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "admin"])


def run(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def shop(slug: str) -> TenantRef:
    return TenantRef(Tenant.objects.get(slug=slug).id, slug)


def test_seed_demo_creates_the_shops_and_is_idempotent(settings) -> None:
    settings.DEBUG = True

    first = run()
    second = run()

    assert "2 tenants" in first
    assert "1 operator," in first  # singular for one
    assert "Demo data ready (nothing new)." in second
    assert sorted(Tenant.objects.values_list("slug", flat=True)) == ["acme", "globex"]
    for slug in ("acme", "globex"):
        # On PostgreSQL tenant rows are visible inside a transaction only (RLS, fail closed).
        with tenant_context(shop(slug)), transaction.atomic():
            roles = dict(User.objects.values_list("email", "role"))
            assert roles == {
                f"owner@{slug}.example": "owner",
                f"customer@{slug}.example": "customer",
            }
            assert Category.objects.count() == 3
            assert Product.objects.filter(status="published").count() == 22
            assert sorted(set(StockItem.objects.values_list("on_hand", "reserved"))) == [(100, 0)]
            assert StockItem.objects.count() == 22
            request = RequestFactory().post("/", HTTP_HOST=f"{slug}.localhost")
            assert authenticate(request, email=f"owner@{slug}.example", password="demo-owner-pass")
    assert User.objects.filter(email="operator@example.com").exists()  # no tenant: operators


def test_seed_demo_refuses_without_debug_unless_forced(settings) -> None:
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG off"):
        run()
    assert "2 tenants" in run(force=True)
