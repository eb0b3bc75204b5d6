"""Delete every row of a tenant in every table, its sessions and its cache keys (offboarding).

One transaction on the owner's connection: the rows of every table ``tables.tenant_tables``
finds, in an order that deletes a row before the rows it references, then the tenant itself
through tenancy's use case, which records ``tenancy.tenant_deleted`` in the outbox (the
fulfilment service deletes its shipments when it gets it; ADR 0018). The tenant's audit entries
go under the audit log's ``offboarding`` exception, and the deletion itself is recorded in the
platform's audit (tenant NULL, naming the slug and the counts), which outlives the tenant
(PHASE2, ADR 0022). Cache keys go after the commit: a key read in between finds no tenant
behind it. If the cache cannot be swept then (Redis down), the deletion stands: the error is
logged with the tenant's id, which the keys carry, and ``cache_keys`` is None.

Only a suspended shop is deleted (``TenantActive`` otherwise): its requests are refused and its
messages wait, so nothing of it starts writing while the deletion runs. The transaction first
locks the tenant row (``FOR UPDATE``) and checks the status under the lock: a reactivation
waits for the deletion and then finds no tenant, and a transaction still in flight that adds a
row with a key to the tenant waits at its commit and then fails its key check. Tables that name
the tenant by slug alone (outbox, inbox, delivery failures, lockout rows) and the sessions have
no key to check, so they are deleted last, just before the tenant row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib.sessions.models import Session
from django.db import connections, models, transaction

from emporium.composition.offboarding.export import snapshot
from emporium.composition.offboarding.tables import (
    OWNER,
    TenantTable,
    deletion_order,
    tenant_tables,
)
from emporium.identity.public import audit
from emporium.infrastructure.db.maintenance import maintenance
from emporium.multitenancy.cache import forget_tenant_keys
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.tenancy import bootstrap as tenancy
from emporium.tenancy.application.use_cases import DeleteTenant

logger = logging.getLogger(__name__)

#: The label under which the sessions of the tenant's accounts are counted.
SESSIONS = "sessions.Session"
#: Tables whose rows tenancy's use case deletes (the tenant, its settings and hosts).
TENANCY_APP = "tenancy"
#: The status of a tenant that may be deleted (``tenancy``'s ``TenantStatus.SUSPENDED``).
SUSPENDED = "suspended"
#: Sessions decoded per round trip while looking for the tenant's accounts.
SESSION_CHUNK = 1000


class TenantActive(Exception):
    """The tenant still serves requests: suspend it before deleting it."""


@dataclass(frozen=True)
class Deleted:
    """Rows per model label that a deletion removed (or, dry, would remove)."""

    slug: str
    tables: dict[str, int]
    #: Cache keys removed after the commit; None if the cache could not be swept.
    cache_keys: int | None = 0

    @property
    def rows(self) -> int:
        """Return the rows in all."""
        return sum(self.tables.values())


def _account_ids(tenant: TenantRef) -> set[str]:
    from emporium.identity.models import User  # late: only the ids, past the managers

    rows: models.QuerySet[User] = models.QuerySet(model=User, using=OWNER)
    rows = rows.filter(tenant_id=tenant.id)
    return {str(pk) for pk in rows.values_list("pk", flat=True)}


def _tenant_sessions(accounts: set[str]) -> Iterator[str]:
    """Yield the keys of the sessions signed in as one of ``accounts``."""
    if not accounts:
        return
    store_class: Any = Session.get_session_store_class()
    store = store_class()
    everyone: models.QuerySet[Session] = models.QuerySet(model=Session, using=OWNER)
    sessions = everyone.values_list("session_key", "session_data")
    for key, data in sessions.iterator(chunk_size=SESSION_CHUNK):
        if str(store.decode(data).get("_auth_user_id", "")) in accounts:
            yield key


def count_tenant(tenant: TenantRef) -> Deleted:
    """Return what ``delete_tenant`` would delete, deleting nothing, read in one snapshot."""
    with transaction.atomic(using=OWNER):
        snapshot(OWNER)
        tables = tenant_tables(tenant)
        counts = {table.label: table.rows().count() for table in tables}
        counts[SESSIONS] = len(list(_tenant_sessions(_account_ids(tenant))))
    return Deleted(slug=tenant.slug, tables=dict(sorted(counts.items())))


def _delete_rows(tables: list[TenantTable]) -> dict[str, int]:
    # One DELETE per table, no per-row signals: every table is already in the list. Tables
    # keyed by slug alone last (sorted is stable: key order kept within each group).
    ordered = sorted(deletion_order(tables), key=lambda table: table.by_slug)
    return {
        table.label: _raw_delete(table.rows())
        for table in ordered
        if table.model._meta.app_label != TENANCY_APP
    }


def _lock_suspended(tenant: TenantRef) -> None:
    """Lock the tenant's row until the deletion commits; refuse an active (or gone) tenant."""
    from emporium.tenancy.models import Tenant  # late: the row, not tenancy's aggregate

    rows: models.QuerySet[Tenant] = models.QuerySet(model=Tenant, using=OWNER)
    status = rows.select_for_update().filter(pk=tenant.id).values_list("status", flat=True)
    found = list(status)
    if not found:
        raise LookupError(f"No tenant {tenant.slug!r}.")
    if found[0] != SUSPENDED:
        raise TenantActive(
            f"Tenant {tenant.slug!r} is active: suspend it first "
            f"(manage.py tenants suspend {tenant.slug}), then delete it."
        )


def _raw_delete(rows: models.QuerySet[Any]) -> int:
    # One DELETE statement; a lookup that can match nothing (an empty IN) runs none: None.
    return int(rows._raw_delete(OWNER) or 0)


def _tenancy_rows(tables: list[TenantTable]) -> dict[str, int]:
    return {
        table.label: table.rows().count()
        for table in tables
        if table.model._meta.app_label == TENANCY_APP
    }


def delete_tenant(tenant: TenantRef) -> Deleted:
    """Delete every row of ``tenant``, its sessions and cache keys; audit it on the platform."""
    separate = connections[OWNER].vendor == "postgresql"
    # On PostgreSQL the platform's audit entry commits with the deletion or not at all (its
    # transaction on the app's connection wraps the owner's). SQLite's two aliases share one
    # file, which one writer holds: there the entry follows the deletion's commit.
    with transaction.atomic(using="default") if separate else nullcontext():
        with transaction.atomic(using=OWNER):
            _lock_suspended(tenant)
            tables = tenant_tables(tenant)
            accounts = _account_ids(tenant)
            with maintenance("offboarding", OWNER):
                counts = _delete_rows(tables)
            counts |= _tenancy_rows(tables)
            sessions = list(_tenant_sessions(accounts))
            counts[SESSIONS] = _raw_delete(
                models.QuerySet(model=Session, using=OWNER).filter(session_key__in=sessions)
            )
            with tenant_context(None):  # a platform event: the envelope names no tenant
                tenancy.delete_tenant(DeleteTenant(tenant.slug))
            deleted = Deleted(slug=tenant.slug, tables=dict(sorted(counts.items())))
            if separate:
                _audit(tenant.id, deleted)
        if not separate:
            _audit(tenant.id, deleted)
    try:
        keys: int | None = forget_tenant_keys(tenant)
    except Exception:  # the rows are gone for good: report what is left, do not crash
        # A rerun finds no tenant, so say here which keys are left: they name the tenant's id.
        logger.exception(
            "Tenant %s deleted, but its cache keys (tenant id %s) were not removed",
            tenant.slug,
            tenant.id,
        )
        keys = None
    return Deleted(slug=deleted.slug, tables=deleted.tables, cache_keys=keys)


def _audit(tenant_id: UUID, deleted: Deleted) -> None:
    with tenant_context(None):
        audit.record(
            audit.TENANT_DELETED,
            platform=True,
            slug=deleted.slug,
            tenant_id=str(tenant_id),
            rows=deleted.rows,
            tables={label: count for label, count in deleted.tables.items() if count},
        )
