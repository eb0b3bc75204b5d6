"""Cache keys scoped by tenant in the cache configuration itself, so no caller can forget."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from emporium.multitenancy.context import TenantRef, require_tenant, tenant_context


def tenant_scoped_key(key: str, key_prefix: str, version: int) -> str:
    """Return the key under the current tenant; refuse to build one with no tenant."""
    tenant = require_tenant()
    return f"{key_prefix}:{version}:t:{tenant.id}:{key}"


def forget_tenant_keys(tenant: TenantRef, alias: str = "default") -> int:
    """Delete every key of ``tenant`` in the tenant-scoped cache ``alias``; return how many.

    Offboarding's sweep: the keys are found by the prefix ``tenant_scoped_key`` gives them, with
    SCAN on Redis and in the local-memory cache's own table; another backend is refused.
    """
    cache = caches[alias]
    with tenant_context(tenant):
        # Every version: the key function puts the version where this star goes.
        pattern = cache.make_key("*", version="*")  # type: ignore[arg-type]
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        found = 0
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                found += int(client.delete(*batch))
                batch = []
        if batch:
            found += int(client.delete(*batch))
        return found
    if isinstance(cache, LocMemCache):
        local: Any = cache  # its table and lock are private attributes, without types
        with local._lock:
            keys = [key for key in list(local._cache) if fnmatchcase(key, pattern)]
            for key in keys:
                local._delete(key)
        return len(keys)
    raise NotImplementedError(f"cannot list the keys of {type(cache).__name__}")
