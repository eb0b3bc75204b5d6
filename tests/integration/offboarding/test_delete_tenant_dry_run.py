"""``delete_tenant --dry-run`` counts what would go, per table, and deletes nothing."""

from __future__ import annotations

import threading
from io import StringIO
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command
from django.db import connection, connections, transaction

from emporium.catalog.models import Category
from emporium.composition.offboarding import deletion
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


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second writer during a read: PostgreSQL's"
)
def test_a_dry_run_counts_every_table_in_one_snapshot(monkeypatch: pytest.MonkeyPatch) -> None:
    initech = create("initech")
    with tenant_context(initech), transaction.atomic():
        Category.objects.create(name="Tools")
    walked = deletion.tenant_tables

    def tables_then_a_write(tenant: TenantRef) -> list[Any]:
        # After the first table is counted, another transaction commits a row of a later one.
        first, second, *rest = walked(tenant)
        assert "catalog.Category" in {table.label for table in rest}
        return [first, Tripwire(second, initech), *rest]

    monkeypatch.setattr(deletion, "tenant_tables", tables_then_a_write)

    counted = deletion.count_tenant(initech)

    assert counted.tables["catalog.Category"] == 1  # the snapshot's, not the committed 2
    with tenant_context(initech), transaction.atomic():
        assert Category.objects.count() == 2


class Tripwire:
    """A table whose rows, when asked for, first make another transaction add a category."""

    def __init__(self, table: Any, tenant: TenantRef) -> None:
        self.table, self.tenant, self.label = table, tenant, table.label

    def rows(self) -> Any:
        def add() -> None:
            try:
                with tenant_context(self.tenant), transaction.atomic():
                    Category.objects.create(name="Added meanwhile")
            finally:
                connections.close_all()

        thread = threading.Thread(target=add)
        thread.start()
        thread.join()
        return self.table.rows()
