"""``delete_tenant --dry-run`` counts what would go, per table, and deletes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import transaction

from emporium.catalog.models import Category
from emporium.composition.offboarding.tables import tenant_by_slug
from emporium.identity.models import AuditEvent, User
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import TenantRef, tenant_context

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "admin"])


def create(slug: str) -> TenantRef:
    call_command("create_tenant", slug, "--name", slug.title(), stdout=StringIO())
    tenant = tenant_by_slug(slug)
    assert tenant is not None
    return tenant


def test_a_dry_run_prints_the_counts_and_deletes_nothing() -> None:
    initech, globex = create("initech"), create("globex")
    with tenant_context(initech), transaction.atomic():
        parent = Category.objects.create(name="Tools")
        Category.objects.create(name="Staplers", parent=parent)
        owner = User.objects.create_user("bill@initech.example", "pass 12345", role="owner")
    with tenant_context(globex), transaction.atomic():
        Category.objects.create(name="Globex only")
    session = SessionStore()
    session["_auth_user_id"] = str(owner.pk)
    session.create()
    out = StringIO()

    call_command("delete_tenant", "initech", "--confirm", "initech", "--dry-run", stdout=out)

    lines = out.getvalue().splitlines()
    counted = {label: int(count) for label, count in (line.split() for line in lines[:-1])}
    assert {label: count for label, count in counted.items() if count} == {
        "catalog.Category": 2,
        "identity.User": 1,
        "infrastructure.OutboxMessage": 1,  # tenancy.tenant_created, under no tenant
        "sessions.Session": 1,
        "tenancy.Tenant": 1,
        "tenancy.TenantSettings": 1,
    }
    assert "identity.AuditEvent" in counted
    assert "infrastructure.InboxMessage" in counted
    assert lines[-1] == "initech: would delete 7 rows (dry run: none deleted)"
    assert tenant_by_slug("initech") == initech
    with tenant_context(initech), transaction.atomic():
        assert Category.objects.count() == 2
        assert User.objects.count() == 1
    assert SessionStore(session.session_key).get("_auth_user_id") == str(owner.pk)
    assert OutboxMessage.objects.filter(type="tenancy.tenant_deleted").count() == 0
    assert AuditEvent.everywhere.using("admin").filter(event="tenant_deleted").count() == 0
