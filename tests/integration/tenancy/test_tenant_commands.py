"""Tenant commands run inside the named tenant; platform commands create and suspend tenants."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from emporium.multitenancy.context import current_tenant, tenant_context
from tests.testapps.tenant_probe.models import Shelf


@pytest.mark.django_db
def test_tenant_command_sees_only_its_tenant(acme_and_globex) -> None:
    acme, globex = acme_and_globex
    with tenant_context(acme):
        Shelf.objects.bulk_create([Shelf(name="a"), Shelf(name="b")])
    with tenant_context(globex):
        Shelf.objects.create(name="a")
    out = StringIO()

    call_command("count_shelves", "--tenant", "acme", stdout=out)
    call_command("count_shelves", "--tenant", "globex", stdout=out)

    assert out.getvalue().splitlines() == ["acme: 2 shelves", "globex: 1 shelves"]
    assert current_tenant() is None


@pytest.mark.django_db
def test_tenant_command_refuses_an_unknown_tenant() -> None:
    with pytest.raises(CommandError, match="No tenant 'initech'"):
        call_command("count_shelves", "--tenant", "initech")


@pytest.mark.django_db(transaction=True, databases=["default", "admin"])
def test_platform_commands_create_list_and_suspend_on_the_owner_connection() -> None:
    out = StringIO()

    call_command("create_tenant", "initech", "--name", "Initech", "--currency", "eur", stdout=out)
    call_command("tenants", "suspend", "initech", stdout=out)
    call_command("tenants", "list", stdout=out)

    text = out.getvalue()
    assert "Created tenant initech" in text
    assert "Tenant initech is suspended." in text
    assert "│ initech │ Initech │ suspended │ EUR" in text
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_tenant", "initech", "--name", "Again")
