"""The catalog's read side: product and category documents, listings and the navigation."""

from __future__ import annotations

from collections.abc import Collection
from typing import TypedDict
from uuid import UUID

from django.db.models import Q, QuerySet

from emporium.catalog import models as rows
from emporium.catalog.adapters import cache
from emporium.catalog.domain.category import Category
from emporium.catalog.domain.product import ProductStatus
from emporium.infrastructure.http.fields import timestamp


class ProductDocument(TypedDict):
    id: str
    name: str
    description: str
    category_id: str | None
    price: dict[str, str]
    status: str
    created_at: str
    updated_at: str


class CategoryDocument(TypedDict):
    id: str
    name: str
    parent_id: str | None


class CategoryNode(CategoryDocument):
    children: list[CategoryNode]


class Navigation(TypedDict):
    categories: list[CategoryNode]


def product_document(row: rows.Product) -> ProductDocument:
    """Return the API document of a product row."""
    return {
        "id": str(row.id),
        "name": row.name,
        "description": row.description,
        "category_id": str(row.category_id) if row.category_id else None,
        "price": row.price.to_dict(),
        "status": row.status,
        "created_at": timestamp(row.created_at),
        "updated_at": timestamp(row.updated_at),
    }


def load_product(product_id: UUID) -> ProductDocument | None:
    """Return the product's document from the database, or None; the cache is not touched."""
    row = rows.Product.objects.filter(pk=product_id).first()
    return product_document(row) if row is not None else None


def find_product(product_id: UUID) -> ProductDocument | None:
    """Return the product's document, from the cache when it is there, or None."""
    return cache.read_through(cache.product_key(product_id), lambda: load_product(product_id))


def is_visible(document: ProductDocument, *, manages_shop: bool) -> bool:
    """Return whether a caller sees the product: staff see all, others only published ones."""
    return manages_shop or document["status"] == ProductStatus.PUBLISHED.value


def products(
    *,
    manages_shop: bool,
    status: ProductStatus | None = None,
    category_ids: Collection[UUID] | None = None,
    text: str = "",
) -> QuerySet[rows.Product]:
    """Return the products a caller may list, filtered, in name order (then id)."""
    found = rows.Product.objects.all()
    if not manages_shop:
        found = found.filter(status=ProductStatus.PUBLISHED.value)
    elif status is not None:
        found = found.filter(status=status.value)
    if category_ids is not None:
        found = found.filter(category_id__in=list(category_ids))
    if text:
        # Any case and any accents: "creme brulee" and "CRÈME" find "Crème Brûlée".
        found = found.filter(
            Q(name__unaccent__icontains=text) | Q(description__unaccent__icontains=text)
        )
    return found.order_by("name", "id")


def category_document(row: rows.Category | Category) -> CategoryDocument:
    """Return the API document of a category, its row or the aggregate just created."""
    return {
        "id": str(row.id),
        "name": row.name,
        "parent_id": str(row.parent_id) if row.parent_id else None,
    }


def categories() -> QuerySet[rows.Category]:
    """Return the tenant's categories in name order (then id)."""
    return rows.Category.objects.order_by("name", "id")


def load_navigation() -> Navigation:
    """Return the whole category tree from the database, each level in name order."""
    nodes: dict[str, CategoryNode] = {}
    roots: list[CategoryNode] = []
    found = list(categories())
    for row in found:
        nodes[str(row.id)] = {**category_document(row), "children": []}
    for row in found:
        node = nodes[str(row.id)]
        parent = nodes.get(str(row.parent_id)) if row.parent_id else None
        (parent["children"] if parent is not None else roots).append(node)
    return {"categories": roots}


def navigation() -> Navigation:
    """Return the category tree, from the cache when it is there."""
    tree = cache.read_through(cache.NAVIGATION_KEY, load_navigation)
    assert tree is not None  # a shop with no categories has an empty tree, never None
    return tree


def category_with_descendants(category_id: UUID) -> set[UUID]:
    """Return the ids of a category and of every category below it (empty if it is unknown)."""
    pending = list(navigation()["categories"])
    while pending:
        node = pending.pop()
        if node["id"] == str(category_id):
            found: set[UUID] = set()
            below = [node]
            while below:
                current = below.pop()
                found.add(UUID(current["id"]))
                below.extend(current["children"])
            return found
        pending.extend(node["children"])
    return set()
