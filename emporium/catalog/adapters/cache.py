"""Cache-aside for catalog reads, invalidated after commit by the catalog's domain events.

Every cached document lives under ``<key>:g<generation>``, where the generation is a counter in
the cache itself (``<key>:gen``). A reader reads the generation *before* it reads the database;
invalidation increments the generation. A reader that loaded the old row before a change
committed therefore stores it under a generation that is already dead, and the next reader,
who sees the new generation, loads the new row: no stale document outlives the invalidation.

The keys go through the ``default`` cache, whose key function puts the current tenant in each
of them. Only documents that are the same for every caller are stored here; who may see one is
decided by the caller after reading it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TypeVar
from uuid import UUID

from django.core.cache import BaseCache, caches

from emporium.catalog.domain.events import (
    CategoryCreated,
    ProductArchived,
    ProductChanged,
    ProductDeleted,
    ProductPriceChanged,
    ProductPublished,
)
from emporium.shared_kernel.events import DomainEvent
from emporium.shared_kernel.messagebus import MessageBus

T = TypeVar("T")

#: Seconds a document stays cached; invalidation, not expiry, keeps it fresh.
DOCUMENT_TTL = 60 * 60
#: Seconds a generation counter lives; losing one is safe (see ``_fresh_generation``).
GENERATION_TTL = 24 * 60 * 60
NAVIGATION_KEY = "catalog:navigation"
PRODUCT_EVENTS: tuple[type[DomainEvent], ...] = (
    ProductChanged,
    ProductPriceChanged,
    ProductPublished,
    ProductArchived,
    ProductDeleted,
)


def _cache() -> BaseCache:
    return caches["default"]


def product_key(product_id: UUID | str) -> str:
    """Return the key of a product's document."""
    return f"catalog:product:{product_id}"


def _fresh_generation() -> int:
    # Random, not 0: a generation key that expired or was evicted must not restart at a number
    # whose documents may still be cached. 48 bits leave room for increments below 2**63.
    return secrets.randbits(48)


def generation(key: str) -> int:
    """Return the current generation of ``key``, starting one if there is none."""
    cache = _cache()
    current = cache.get(f"{key}:gen")
    if current is None:
        fresh = _fresh_generation()
        cache.add(f"{key}:gen", fresh, timeout=GENERATION_TTL)  # a concurrent reader's start wins
        current = cache.get(f"{key}:gen", fresh)
    return int(current)


def versioned_key(key: str, number: int) -> str:
    """Return the key that holds ``key``'s document of generation ``number``."""
    return f"{key}:g{number}"


def read_through(key: str, load: Callable[[], T | None], ttl: int = DOCUMENT_TTL) -> T | None:
    """Return the cached document of ``key``, or ``load()`` it and cache it if it exists."""
    cache = _cache()
    slot = versioned_key(key, generation(key))  # before the database is read: see above
    document: T | None = cache.get(slot)
    if document is None:
        document = load()
        if document is not None:
            cache.set(slot, document, ttl)
    return document


def invalidate(key: str) -> None:
    """Move ``key`` to a new generation, so that every document stored before is dead."""
    cache = _cache()
    cache.add(f"{key}:gen", _fresh_generation(), timeout=GENERATION_TTL)
    try:
        cache.incr(f"{key}:gen")
    except ValueError:  # evicted since the add: any fresh start is a new generation
        cache.set(f"{key}:gen", _fresh_generation(), timeout=GENERATION_TTL)


def forget_product(event: DomainEvent) -> None:
    """Invalidate the document of the product an event is about."""
    invalidate(product_key(event.aggregate_id))


def forget_navigation(event: DomainEvent) -> None:
    """Invalidate the category navigation."""
    invalidate(NAVIGATION_KEY)


def register_handlers(bus: MessageBus) -> None:
    """Register the invalidation handlers on ``bus``, once however often this is called."""
    wiring: list[tuple[type[DomainEvent], Callable[[DomainEvent], None]]] = [
        *((event_cls, forget_product) for event_cls in PRODUCT_EVENTS),
        (CategoryCreated, forget_navigation),
    ]
    for event_cls, handler in wiring:
        if handler not in bus.handlers_for(event_cls):
            bus.register(event_cls, handler)
