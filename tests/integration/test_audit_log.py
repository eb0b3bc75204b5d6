"""The audit log is append-only (ADR 0021): the ORM refuses every change and deletion, and on
PostgreSQL so does the table's trigger, for the app's role and the owner's alike, except inside
``maintenance`` for the one purpose that allows it (retention and offboarding delete, erasure
updates). The three named exceptions do exactly their part."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

from emporium.identity.adapters import audit
from emporium.identity.models import AuditEvent
from emporium.infrastructure.db.maintenance import AuditLogIsImmutable, maintenance
from emporium.multitenancy.context import TenantRef, tenant_context

# Committed rows: the owner's connection ("admin") reads across tenants, and sees only those.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "admin"])
POSTGRES_ONLY = pytest.mark.skipif(
    connections["default"].vendor != "postgresql", reason="the trigger is PostgreSQL's"
)


def entry(tenant: TenantRef | None, event: str = "sign_in_succeeded", **fields: Any) -> AuditEvent:
    if tenant is None:
        with transaction.atomic():
            return AuditEvent.objects.create(event=event, **fields)
    with tenant_context(tenant), transaction.atomic():
        return AuditEvent.objects.create(tenant_id=tenant.id, event=event, **fields)


def snapshot() -> list[tuple[Any, ...]]:
    return list(
        AuditEvent.everywhere.using("admin")
        .order_by("id")
        .values_list(
            "id", "tenant_id", "event", "user_id", "email_hash", "ip_address", "user_agent"
        )
    )


def test_the_orm_refuses_to_change_or_delete_an_entry(acme_and_globex) -> None:
    acme = acme_and_globex[0]
    row = entry(acme, ip_address="203.0.113.9")
    before = snapshot()

    with tenant_context(acme), transaction.atomic():
        with pytest.raises(AuditLogIsImmutable):
            AuditEvent.objects.filter(pk=row.pk).update(event="forged")
        with pytest.raises(AuditLogIsImmutable):
            AuditEvent.objects.filter(pk=row.pk).delete()
        loaded = AuditEvent.objects.get(pk=row.pk)
        loaded.event = "forged"
        with pytest.raises(AuditLogIsImmutable):
            loaded.save()
        with pytest.raises(AuditLogIsImmutable):
            loaded.delete()
    with pytest.raises(AuditLogIsImmutable):
        AuditEvent.everywhere.using("admin").all().delete()

    assert snapshot() == before


def test_a_new_entry_never_takes_an_existing_entrys_place(acme_and_globex) -> None:
    acme = acme_and_globex[0]
    row = entry(acme, ip_address="203.0.113.9")
    before = snapshot()

    with tenant_context(acme):
        with pytest.raises(DatabaseError), transaction.atomic():  # an INSERT: the id is taken
            AuditEvent(pk=row.pk, tenant_id=acme.id, event="forged").save()
        with pytest.raises(AuditLogIsImmutable), transaction.atomic():
            AuditEvent.objects.bulk_create(
                [AuditEvent(pk=row.pk, tenant_id=acme.id, event="forged")],
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=["event"],
            )

    assert snapshot() == before


def test_maintenance_allows_only_what_its_purpose_does(acme_and_globex) -> None:
    acme = acme_and_globex[0]
    row = entry(acme)

    with tenant_context(acme):
        with maintenance("erasure"), pytest.raises(AuditLogIsImmutable):
            AuditEvent.objects.filter(pk=row.pk).delete()
        with maintenance("retention"), pytest.raises(AuditLogIsImmutable):
            AuditEvent.objects.filter(pk=row.pk).update(user_agent="")
    with pytest.raises(ValueError, match="no audit maintenance called 'cleanup'"):
        maintenance("cleanup").__enter__()

    assert [r[0] for r in snapshot()] == [row.pk]


def raw(sql: str, using: str = "default", tenant: TenantRef | None = None) -> None:
    if tenant is None:
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute(sql)
        return
    with (
        tenant_context(tenant),
        transaction.atomic(using=using),
        connections[using].cursor() as cursor,
    ):
        cursor.execute(sql)


@POSTGRES_ONLY
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE identity_auditevent SET event = 'forged'",
        "UPDATE identity_auditevent SET ip_address = NULL",
        "DELETE FROM identity_auditevent",
    ],
)
@pytest.mark.parametrize("using", ["default", "admin"])
def test_the_database_refuses_sql_that_bypasses_the_orm(acme_and_globex, sql, using) -> None:
    acme = acme_and_globex[0]
    entry(acme, ip_address="203.0.113.9")
    before = snapshot()

    with pytest.raises(DatabaseError, match="audit entries are immutable"):
        raw(sql, using, acme if using == "default" else None)

    assert snapshot() == before


@POSTGRES_ONLY
def test_the_databases_exception_holds_for_its_transaction_only(acme_and_globex) -> None:
    acme = acme_and_globex[0]
    kept, gone = entry(acme), entry(acme, event="locked_out")

    with transaction.atomic(using="admin"):
        with maintenance("retention", using="admin"), connections["admin"].cursor() as cursor:
            cursor.execute("DELETE FROM identity_auditevent WHERE id = %s", [gone.pk])
        # Still in the same transaction, but the maintenance is over.
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(using="admin"),
            connections["admin"].cursor() as cursor,
        ):
            cursor.execute("DELETE FROM identity_auditevent WHERE id = %s", [kept.pk])

    assert [r[0] for r in snapshot()] == [kept.pk]


def test_erasure_keeps_the_accounts_entries_with_its_id_only(acme_and_globex) -> None:
    acme, globex = acme_and_globex
    ann, bob = uuid4(), uuid4()
    address = "ann@acme.example"
    hers = entry(acme, user_id=ann, ip_address="203.0.113.9", user_agent="Firefox")
    attempt = entry(acme, "sign_in_failed", email_hash=audit.email_hash(address), user_agent="x")
    his = entry(acme, user_id=bob, ip_address="203.0.113.10", user_agent="Safari")
    other = entry(globex, "sign_in_failed", email_hash=audit.email_hash(address))

    with tenant_context(acme):
        scrubbed = audit.scrub_account(ann, email=" Ann@Acme.example")

    assert scrubbed == 2
    rows = {r[0]: r[3:] for r in snapshot()}
    assert rows == {
        hers.pk: (ann, "", None, ""),
        attempt.pk: (None, "", None, ""),
        his.pk: (bob, "", "203.0.113.10", "Safari"),
        other.pk: (None, audit.email_hash(address), None, ""),  # another shop's: not this one
    }


def test_offboarding_deletes_the_tenants_entries_only(acme_and_globex) -> None:
    acme, globex = acme_and_globex
    entry(acme)
    entry(acme, "locked_out")
    theirs = entry(globex)
    platform = entry(None, "tenant_suspended", detail={"tenant": "acme"})

    assert audit.delete_tenant_entries(acme.id) == 2

    assert [r[0] for r in snapshot()] == [theirs.pk, platform.pk]


def test_retention_deletes_entries_older_than_the_cutoff_in_every_shop(acme_and_globex) -> None:
    acme, globex = acme_and_globex
    cutoff = timezone.now().replace(microsecond=0) - timedelta(days=365)
    old = [
        entry(acme, occurred_at=cutoff - timedelta(seconds=1)),
        entry(globex, occurred_at=cutoff - timedelta(days=30)),
        entry(None, "tenant_suspended", occurred_at=cutoff - timedelta(microseconds=1)),
    ]
    kept = [
        entry(acme, occurred_at=cutoff),
        entry(globex, occurred_at=cutoff + timedelta(seconds=1)),
        entry(None, "tenant_reactivated", occurred_at=cutoff),
    ]

    assert audit.prune_audit(cutoff) == len(old)

    assert [r[0] for r in snapshot()] == [row.pk for row in kept]
