"""A per-tenant advisory lock between a rebuild of the sales read model and its consumer."""

from __future__ import annotations

import hashlib
from uuid import UUID

from django.db import connections

#: What the lock guards; with the tenant id it names one lock per tenant.
NAMESPACE = "analytics.sales"


def lock_key(tenant_id: UUID) -> int:
    """Return the signed 64-bit advisory lock key of ``tenant_id``'s sales read model."""
    # A stable hash (unlike hash()), the same in every process and every release.
    name = f"{NAMESPACE}:{tenant_id}".encode()
    return int.from_bytes(hashlib.blake2b(name, digest_size=8).digest(), "big", signed=True)


def hold_until_commit(tenant_id: UUID, *, exclusive: bool, using: str = "default") -> None:
    """Take the tenant's sales lock until the transaction ends: exclusive or shared."""
    connection = connections[using]
    if not connection.in_atomic_block:
        # Outside a transaction the lock would end with the statement that took it.
        raise RuntimeError("take the sales lock inside a transaction")
    if connection.vendor != "postgresql":
        return  # SQLite lets one writer at a time in: a rebuild excludes deliveries already.
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [lock_key(tenant_id)])
