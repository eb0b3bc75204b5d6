"""A shop's suspension or reactivation and its platform audit entry commit together: the entry
is written in the act's transaction, on its connection (the owner's), and a failure to write it
fails the act."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from emporium.identity.adapters import audit
from emporium.identity.models import AuditEvent
from emporium.tenancy import bootstrap
from emporium.tenancy.application.use_cases import ReactivateTenant, SuspendTenant
from emporium.tenancy.models import Tenant

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "admin"])


def platform_entries() -> list[tuple[str, dict[str, Any]]]:
    rows = AuditEvent.everywhere.using("admin").filter(tenant__isnull=True).order_by("id")
    return [(row.event, row.detail) for row in rows]


def status(slug: str) -> str:
    return Tenant.objects.using("admin").get(slug=slug).status


def test_the_entry_is_written_in_the_acts_transaction(acme_and_globex) -> None:
    with transaction.atomic(using="admin"):
        bootstrap.suspend_tenant(SuspendTenant("globex"))
        # Before the commit, on the act's connection: the same transaction.
        during = platform_entries()

    assert during == [("tenant_suspended", {"tenant": "globex", "via": "command"})]
    assert platform_entries() == during


def suspend_then_fail() -> None:
    with transaction.atomic(using="admin"):
        bootstrap.suspend_tenant(SuspendTenant("globex"))
        raise RuntimeError("the operator's command fails after the suspension")


def test_a_suspension_rolled_back_leaves_no_entry(acme_and_globex) -> None:
    with pytest.raises(RuntimeError):
        suspend_then_fail()

    assert status("globex") == "active"
    assert platform_entries() == []


def test_an_entry_that_cannot_be_written_fails_the_act(acme_and_globex, monkeypatch) -> None:
    bootstrap.suspend_tenant(SuspendTenant("globex"))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError, match="the audit log is unavailable"):
        bootstrap.reactivate_tenant(ReactivateTenant("globex"))

    assert status("globex") == "suspended"  # not reactivated without its entry
    assert platform_entries() == [("tenant_suspended", {"tenant": "globex", "via": "command"})]
