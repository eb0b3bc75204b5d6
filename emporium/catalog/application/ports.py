"""Ports of the catalog context."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from emporium.catalog.domain.category import Category
from emporium.catalog.domain.product import Product
from emporium.shared_kernel.unit_of_work import UnitOfWork


class ProductRepository(Protocol):
    """The current tenant's products; what it returns or adds is tracked by the unit of work."""

    def add(self, product: Product) -> None:
        """Store a new product (a name taken by a concurrent create is a BusinessRuleViolation)."""
        ...

    def get(self, product_id: UUID) -> Product | None:
        """Return the product, or None."""
        ...

    def name_taken(self, name: str, *, other_than: UUID | None = None) -> bool:
        """Return whether another product of this tenant has ``name``, ignoring case."""
        ...

    def save(self, product: Product) -> None:
        """Store the changes of a loaded product."""
        ...

    def delete(self, product: Product) -> None:
        """Remove a product."""
        ...


class CategoryRepository(Protocol):
    """The current tenant's categories."""

    def add(self, category: Category) -> None:
        """Store a new category."""
        ...

    def get(self, category_id: UUID) -> Category | None:
        """Return the category, or None."""
        ...

    def depth(self, category_id: UUID) -> int:
        """Return how deep the category sits (1 for a top-level one)."""
        ...


class CatalogUnitOfWork(UnitOfWork, Protocol):
    """A unit of work with the catalog's repositories."""

    @property
    def products(self) -> ProductRepository:
        """Return the product repository."""
        ...

    @property
    def categories(self) -> CategoryRepository:
        """Return the category repository."""
        ...
