"""``manage.py export_tenant``: every row of one tenant as JSON Lines, no row of another."""

from __future__ import annotations

import json
import os
from datetime import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction

from emporium.catalog.models import Category
from emporium.composition.management.commands import export_tenant as export_tenant_command
from emporium.composition.offboarding.tables import tenant_by_slug
from emporium.identity.models import User
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.tenancy.models import Tenant, TenantSettings

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "admin"])


def create(slug: str) -> TenantRef:
    call_command(
        "create_tenant", slug, "--name", slug.title(), "--currency", "EUR", stdout=StringIO()
    )
    tenant = tenant_by_slug(slug)
    assert tenant is not None
    return tenant


#: Tables that hold a tenant's rows without a key to it: by slug (envelopes, axes' usernames),
#: through a row of the tenant (the admin's log, axes' expirations), or the tenant row itself.
NOT_KEYED = {
    "admin.LogEntry",
    "axes.AccessAttempt",
    "axes.AccessAttemptExpiration",
    "axes.AccessFailureLog",
    "axes.AccessLog",
    "infrastructure.DeliveryFailure",
    "infrastructure.InboxMessage",
    "infrastructure.OutboxMessage",
    "tenancy.Tenant",
}


def tenant_keyed_models() -> set[str]:
    """Return the label of every installed model with a foreign key to the tenant."""
    return {
        model._meta.label
        for model in apps.get_models(include_auto_created=True)
        if any(
            field.is_relation and field.related_model is Tenant
            for field in model._meta.concrete_fields
        )
    }


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export(slug: str, path: Path) -> tuple[str, list[dict[str, object]]]:
    out = StringIO()
    call_command("export_tenant", slug, "--out", str(path), stdout=out, verbosity=0)
    return out.getvalue(), [json.loads(line) for line in path.read_text().splitlines()]


def test_a_small_tenant_is_exported_row_by_row_and_nothing_of_another(tmp_path: Path) -> None:
    initech = create("initech")
    globex = create("globex")
    with tenant_context(initech), transaction.atomic():
        tools = Category.objects.create(name="Tools")
        owner = User.objects.create_user("owner@initech.example", "pass 12345", role="owner")
        owner.name = "Bill Lumbergh"
        owner.save()
    with tenant_context(globex), transaction.atomic():
        Category.objects.create(name="Globex only")
    tenant = Tenant.objects.get(slug="initech")
    with tenant_context(initech), transaction.atomic():
        settings = TenantSettings.objects.get()
        owner = User.objects.get()
    created = OutboxMessage.objects.using("admin").get(
        type="tenancy.tenant_created", aggregate_id=str(initech.id)
    )

    summary, lines = export("initech", tmp_path / "initech.jsonl")

    header, *rows = lines
    tables = len(header["tables"])
    assert summary == f"initech: 5 rows of {tables} tables written to {tmp_path}/initech.jsonl\n"
    assert header["archive"] == "emporium-tenant"
    assert header["version"] == 1
    assert header["tenant"] == {"id": str(initech.id), "slug": "initech"}
    # Every table that can hold a row of a tenant is named, with its count, empty ones too:
    # every model with a key to the tenant, found here from the app registry (not by the walk
    # under test), and the tables that name a tenant otherwise, by hand.
    assert {"identity.User", "ordering.Order", "ordering.OrderEvent"} <= tenant_keyed_models()
    assert set(header["tables"]) == tenant_keyed_models() | NOT_KEYED
    assert {label: n for label, n in header["tables"].items() if n} == {
        "catalog.Category": 1,
        "identity.User": 1,
        "infrastructure.OutboxMessage": 1,
        "tenancy.Tenant": 1,
        "tenancy.TenantSettings": 1,
    }
    assert rows == [
        {
            "model": "catalog.Category",
            "table": "catalog_category",
            "row": {
                "id": str(tools.id),
                "name": "Tools",
                "parent_id": None,
                "version": 0,
                "tenant_id": str(initech.id),
            },
        },
        {
            "model": "identity.User",
            "table": "identity_user",
            "row": {
                "password": None,  # withheld: a credential, not the shop's data
                "last_login": None,
                "id": str(owner.id),
                "tenant_id": str(initech.id),
                "email": "owner@initech.example",
                "name": "Bill Lumbergh",
                "role": "owner",
                "is_active": True,
                "date_joined": owner.date_joined.isoformat(),
                "erased_at": None,
            },
        },
        {
            "model": "infrastructure.OutboxMessage",
            "table": "infrastructure_outboxmessage",
            "row": {
                "id": str(created.id),
                "type": "tenancy.tenant_created",
                "tenant": None,
                "aggregate_id": str(initech.id),
                "aggregate_version": 1,
                "occurred_at": created.occurred_at.isoformat(),
                "payload": {"slug": "initech", "name": "Initech", "currency": "EUR"},
                "created_at": created.created_at.isoformat(),
                "published_at": iso(created.published_at),
                "attempts": 0,
                "last_error": "",
            },
        },
        {
            "model": "tenancy.TenantSettings",
            "table": "tenancy_tenantsettings",
            "row": {
                "tenant_id": str(initech.id),
                "currency": "EUR",
                "tax_rate": "8.00",
                "payment_methods": ["card"],
                "webhook_secret": None,  # withheld
                "time_zone": settings.time_zone,
            },
        },
        {
            "model": "tenancy.Tenant",
            "table": "tenancy_tenant",
            "row": {
                "id": str(initech.id),
                "slug": "initech",
                "name": "Initech",
                "status": "active",
                "created_at": tenant.created_at.isoformat(),
                "version": 1,
            },
        },
    ]
    text = (tmp_path / "initech.jsonl").read_text()
    assert "Globex" not in text
    assert str(globex.id) not in text


def test_an_unknown_slug_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No tenant 'nobody'"):
        call_command("export_tenant", "nobody", "--out", str(tmp_path / "x.jsonl"))
    assert not (tmp_path / "x.jsonl").exists()


def test_a_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    create("initech")
    with pytest.raises(CommandError, match="No directory"):
        call_command("export_tenant", "initech", "--out", str(tmp_path / "no" / "x.jsonl"))


def test_a_failed_export_leaves_no_half_archive(tmp_path: Path, monkeypatch) -> None:
    create("initech")
    (tmp_path / "initech.jsonl").write_text("an earlier archive\n")

    def failing(tenant: TenantRef, out: Any, progress: Any = None) -> None:
        out.write('{"archive": "emporium-tenant"}\n')
        raise RuntimeError("the database went away")

    monkeypatch.setattr(export_tenant_command, "export_tenant", failing)

    with pytest.raises(RuntimeError, match="went away"):
        call_command("export_tenant", "initech", "--out", str(tmp_path / "initech.jsonl"))
    assert [path.name for path in tmp_path.iterdir()] == ["initech.jsonl"]
    assert (tmp_path / "initech.jsonl").read_text() == "an earlier archive\n"


def test_a_directory_is_refused(tmp_path: Path) -> None:
    create("initech")

    with pytest.raises(CommandError, match="is a directory: name the file to write"):
        call_command("export_tenant", "initech", "--out", str(tmp_path))

    assert list(tmp_path.iterdir()) == []


def test_a_place_that_cannot_be_written_is_a_clear_error(tmp_path: Path) -> None:
    create("initech")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)  # no writing in it

    with pytest.raises(CommandError, match="Cannot write in '/proc'"):
        call_command("export_tenant", "initech", "--out", "/proc/x.jsonl")
    if os.geteuid() != 0:  # root writes anywhere
        with pytest.raises(CommandError, match=r"Cannot write in .*locked.*Permission denied"):
            call_command("export_tenant", "initech", "--out", str(locked / "x.jsonl"))
    assert list(locked.iterdir()) == []


def test_two_exports_to_one_path_do_not_share_a_file(tmp_path: Path, monkeypatch: Any) -> None:
    create("initech")
    path = tmp_path / "initech.jsonl"
    real = export_tenant_command.export_tenant
    nested: list[bool] = []

    def export_with_another_meanwhile(tenant: TenantRef, out: Any, progress: Any = None) -> Any:
        if nested:  # the second export, run while the first is writing
            return real(tenant, out, progress)
        nested.append(True)
        out.write("the first export's start\n")
        call_command("export_tenant", "initech", "--out", str(path), verbosity=0)
        assert path.read_text().startswith('{"archive": "emporium-tenant"')
        return real(tenant, out, progress)

    monkeypatch.setattr(export_tenant_command, "export_tenant", export_with_another_meanwhile)

    call_command("export_tenant", "initech", "--out", str(path), verbosity=0)

    # The first export's file replaced the second's as a whole; no partial file is left.
    first, second, *_ = path.read_text().splitlines()
    assert first == "the first export's start"
    assert second.startswith('{"archive": "emporium-tenant"')
    assert [entry.name for entry in tmp_path.iterdir()] == ["initech.jsonl"]


def test_a_shop_deleted_after_it_was_looked_up_is_not_exported_empty(
    tmp_path: Path, monkeypatch: Any
) -> None:
    create("initech")
    looked_up = export_tenant_command.tenant_by_slug

    def look_up_then_delete(slug: str) -> TenantRef | None:
        found = looked_up(slug)
        call_command("tenants", "suspend", slug, stdout=StringIO())
        call_command("delete_tenant", slug, "--confirm", slug, stdout=StringIO())
        return found

    monkeypatch.setattr(export_tenant_command, "tenant_by_slug", look_up_then_delete)

    with pytest.raises(CommandError, match="No tenant 'initech'"):
        call_command("export_tenant", "initech", "--out", str(tmp_path / "initech.jsonl"))

    assert list(tmp_path.iterdir()) == []
