"""Cache warming: fill the catalog's read-through keys before the first reader asks for them.

Each strategy warms a unit by calling the very function the API reads with (``find_product``,
``navigation``), so a warmed key is exactly the key a reader looks up, under the generation a
reader would use: there is no second way of building or storing a document that could drift.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar
from uuid import UUID

from emporium.catalog import models as rows
from emporium.catalog.adapters import cache, queries
from emporium.catalog.domain.product import ProductStatus

#: How many popular products a warming run loads unless told otherwise.
POPULAR_LIMIT = 50
PRODUCTS_PATTERN = cache.product_key("*")
NAVIGATION_PATTERN = cache.NAVIGATION_KEY

U = TypeVar("U")
#: Called after each warmed unit with the pattern, the units warmed so far and the units in all.
Progress = Callable[[str, int, int], None]


class WarmingStrategy(Protocol[U]):
    """What warms the keys of one pattern: the units to warm, and how to warm one."""

    def units(self) -> Iterable[U]:
        """Return the units to warm, in the order to warm them."""

    def warm(self, unit: U) -> None:
        """Fill the cache for ``unit`` through the read path."""


class UnknownPattern(ValueError):
    """A pattern was asked for that no strategy is registered for."""


@dataclass(frozen=True)
class WarmReport:
    """How many units each pattern warmed, in the order they were warmed."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Return the units warmed over all patterns."""
        return sum(self.counts.values())


class CacheWarmer:
    """Warm cache keys with the strategies registered for their key patterns."""

    def __init__(self) -> None:
        self._strategies: dict[str, WarmingStrategy[Any]] = {}

    def register(self, pattern: str, strategy: WarmingStrategy[Any]) -> None:
        """Warm the keys of ``pattern`` with ``strategy``."""
        if pattern in self._strategies:
            raise ValueError(f"A warming strategy for {pattern!r} is registered already.")
        self._strategies[pattern] = strategy

    @property
    def patterns(self) -> list[str]:
        """Return the registered patterns in registration order."""
        return list(self._strategies)

    def select(self, patterns: Iterable[str] | None = None) -> list[str]:
        """Return the patterns to warm (all when None), or raise UnknownPattern."""
        if patterns is None:
            return self.patterns
        chosen = list(dict.fromkeys(patterns))
        unknown = [pattern for pattern in chosen if pattern not in self._strategies]
        if unknown:
            raise UnknownPattern(
                f"No warming strategy for {', '.join(map(repr, unknown))}; "
                f"known patterns: {', '.join(self._strategies)}."
            )
        return chosen

    def warm(
        self, patterns: Iterable[str] | None = None, progress: Progress | None = None
    ) -> WarmReport:
        """Warm the keys of ``patterns`` (all when None) and count the units per pattern."""
        chosen = self.select(patterns)  # every pattern is checked before any work is done
        counts: dict[str, int] = {}
        for pattern in chosen:
            strategy = self._strategies[pattern]
            units = list(strategy.units())
            for done, unit in enumerate(units, start=1):
                strategy.warm(unit)
                if progress is not None:
                    progress(pattern, done, len(units))
            counts[pattern] = len(units)
        return WarmReport(counts)


@dataclass(frozen=True)
class PopularProducts:
    """The published products, newest first, as many as ``limit``."""

    # Until orders can tell which products sell, the newest published ones are the best guess
    # at what a storefront shows first.
    limit: int = POPULAR_LIMIT

    def units(self) -> Iterator[UUID]:
        """Return the ids of the products to warm."""
        published = rows.Product.objects.filter(status=ProductStatus.PUBLISHED.value)
        newest = published.order_by("-created_at", "-id").values_list("id", flat=True)
        return iter(list(newest[: self.limit]))

    def warm(self, unit: UUID) -> None:
        """Read the product's document through the cache."""
        queries.find_product(unit)


class CategoryNavigation:
    """The category tree: one document, read by every storefront page."""

    def units(self) -> Iterator[str]:
        """Return the one unit: the navigation's key."""
        yield cache.NAVIGATION_KEY

    def warm(self, unit: str) -> None:
        """Read the navigation through the cache."""
        queries.navigation()


def catalog_warmer(*, popular_limit: int = POPULAR_LIMIT) -> CacheWarmer:
    """Return a warmer for the catalog's product documents and navigation."""
    warmer = CacheWarmer()
    warmer.register(PRODUCTS_PATTERN, PopularProducts(limit=popular_limit))
    warmer.register(NAVIGATION_PATTERN, CategoryNavigation())
    return warmer
