"""Cache keys scoped by tenant in the cache configuration itself, so no caller can forget."""

from __future__ import annotations

from emporium.multitenancy.context import require_tenant


def tenant_scoped_key(key: str, key_prefix: str, version: int) -> str:
    """Return the key under the current tenant; refuse to build one with no tenant."""
    tenant = require_tenant()
    return f"{key_prefix}:{version}:t:{tenant.id}:{key}"
