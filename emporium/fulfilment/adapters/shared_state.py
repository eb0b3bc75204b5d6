"""The breaker's counters and the rotation's marks in the shared ``platform`` cache.

With Redis (``REDIS_URL``) every process sees the same keys, and ``add`` (SET NX) and ``incr``
are atomic on the server; on the embedded default's local-memory cache they are shared by the
threads of one process only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable

from django.core.cache import BaseCache, caches

from emporium.fulfilment.application.ports import ServiceInstance

PREFIX = "fulfilment:"
#: The cache of keys that belong to no tenant.
ALIAS = "platform"


class _OnCache:
    # Django hands each thread its own cache object: look it up per use, never keep one.
    def __init__(self, alias: str = ALIAS) -> None:
        self._alias = alias

    @property
    def _cache(self) -> BaseCache:
        return caches[self._alias]


class CacheCounters(_OnCache):
    """``SharedCounters`` on a Django cache; keys get ``PREFIX``."""

    def get_many(self, keys: Collection[str]) -> dict[str, float]:
        found = self._cache.get_many([PREFIX + key for key in keys])
        return {key[len(PREFIX) :]: value for key, value in found.items()}

    def add(self, key: str, value: float, ttl: float | None) -> bool:
        return bool(self._cache.add(PREFIX + key, value, timeout=ttl))

    def incr(self, key: str, ttl: float | None) -> int:
        # add is a no-op on an existing key, so two processes creating it at once both count.
        self._cache.add(PREFIX + key, 0, timeout=ttl)
        return int(self._cache.incr(PREFIX + key))

    def set(self, key: str, value: float, ttl: float | None) -> None:
        self._cache.set(PREFIX + key, value, timeout=ttl)

    def delete_many(self, keys: Collection[str]) -> None:
        self._cache.delete_many([PREFIX + key for key in keys])


def _mark_key(instance: ServiceInstance) -> str:
    # An id is a URL: hashed, so that no cache backend meets a character it would refuse.
    return f"{PREFIX}out:{hashlib.sha256(instance.id.encode()).hexdigest()[:32]}"


class CacheHealthMarks(_OnCache):
    """``HealthMarks`` on a Django cache: a key that expires when the instance comes back."""

    def out_of_rotation(self, instances: Iterable[ServiceInstance]) -> set[str]:
        keys = {_mark_key(instance): instance.id for instance in instances}
        return {keys[key] for key in self._cache.get_many(list(keys))}

    def take_out(self, instance: ServiceInstance, seconds: float) -> None:
        self._cache.set(_mark_key(instance), 1, timeout=seconds)

    def put_back(self, instance: ServiceInstance) -> None:
        self._cache.delete(_mark_key(instance))
