"""Cache keys are tenant-scoped by the cache configuration; platform keys live apart."""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import caches

from emporium.multitenancy.context import TenantContextMissing, TenantRef, tenant_context

ACME = TenantRef(uuid.UUID("00000000-0000-0000-0000-00000000000a"), "acme")
GLOBEX = TenantRef(uuid.UUID("00000000-0000-0000-0000-00000000000b"), "globex")


def _same_key_under_two_tenants() -> None:
    cache = caches["default"]
    with tenant_context(ACME):
        cache.set("product:1", "acme's mug", 60)
    with tenant_context(GLOBEX):
        cache.set("product:1", "globex's mug", 60)

    with tenant_context(ACME):
        assert cache.get("product:1") == "acme's mug"
        cache.delete("product:1")
    with tenant_context(GLOBEX):
        assert cache.get("product:1") == "globex's mug"


def test_same_key_under_two_tenants_holds_two_values() -> None:
    _same_key_under_two_tenants()


@pytest.mark.redis
def test_same_key_under_two_tenants_holds_two_values_in_redis(settings) -> None:
    assert caches["default"].__class__.__name__ == "RedisCache"
    _same_key_under_two_tenants()


def test_tenant_cache_refuses_to_work_without_a_tenant() -> None:
    with pytest.raises(TenantContextMissing):
        caches["default"].get("product:1")
    with pytest.raises(TenantContextMissing):
        caches["default"].set("product:1", "x")


def test_platform_cache_needs_no_tenant_and_is_shared() -> None:
    with tenant_context(ACME):
        caches["platform"].set("throttle:127.0.0.1", 3, 60)

    with tenant_context(GLOBEX):
        assert caches["platform"].get("throttle:127.0.0.1") == 3
    assert caches["platform"].get("throttle:127.0.0.1") == 3


def test_keys_name_the_tenant(settings) -> None:
    with tenant_context(ACME):
        key = caches["default"].make_key("product:1")

    prefix = settings.CACHES["default"]["KEY_PREFIX"]  # "t", plus this test run's suffix
    assert prefix.startswith("t-")
    assert key == f"{prefix}:1:t:{ACME.id}:product:1"
