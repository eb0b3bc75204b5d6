"""Named exceptions to an append-only table: the audit log's retention, erasure and offboarding.

The audit log (identity's ``AuditEvent``) is written once and never changed through any
interface. Three jobs must still change it: retention deletes old entries, a customer's erasure
scrubs theirs, a tenant's offboarding deletes the tenant's. Each runs inside ``maintenance``,
which opens a transaction, names its purpose in a context variable (the ORM's guard reads it)
and, on PostgreSQL, in the transaction-local setting ``emporium.audit_maintenance`` (the table's
trigger reads it). It lives here, below every context, so that offboarding code anywhere can
use it. ADR 0021.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction

#: The transaction-local PostgreSQL setting the audit table's trigger reads.
MAINTENANCE_SETTING = "emporium.audit_maintenance"
#: What each purpose may do: delete rows, or update them.
DELETES = ("retention", "offboarding")
UPDATES = ("erasure",)
PURPOSES = DELETES + UPDATES

_purpose: ContextVar[str | None] = ContextVar("audit_maintenance", default=None)


class AuditLogIsImmutable(Exception):
    """An audit entry was to be changed or deleted outside retention, erasure or offboarding."""


def maintenance_purpose() -> str | None:
    """Return the named exception in force here (``retention``, ``erasure``, ``offboarding``)."""
    return _purpose.get()


def may_delete() -> bool:
    """Return whether audit rows may be deleted here (retention, offboarding)."""
    return _purpose.get() in DELETES


def may_update() -> bool:
    """Return whether audit rows may be updated here (erasure)."""
    return _purpose.get() in UPDATES


@contextmanager
def maintenance(purpose: str, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Allow what ``purpose`` does to audit rows, in a transaction on ``using``: ``retention``
    and ``offboarding`` delete entries, ``erasure`` updates them. Outside it the ORM refuses
    and, on PostgreSQL, so does the table's trigger."""
    if purpose not in PURPOSES:
        raise ValueError(f"no audit maintenance called {purpose!r}")
    token = _purpose.set(purpose)
    try:
        with transaction.atomic(using=using):
            connection = connections[using]
            postgres = connection.vendor == "postgresql"
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config(%s, %s, true)", [MAINTENANCE_SETTING, purpose]
                    )
            yield
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config(%s, '', true)", [MAINTENANCE_SETTING])
    finally:
        _purpose.reset(token)
