"""Answers about products that other contexts need: current offers, existence, status, names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from emporium.catalog import models as rows
from emporium.catalog.domain.product import ProductStatus
from emporium.shared_kernel.money import Money


@dataclass(frozen=True)
class Offer:
    """What a sellable product costs now, and the name it is sold under."""

    name: str
    price: Money


def current_offers(product_ids: Iterable[UUID]) -> dict[UUID, Offer]:
    """Return the name and price of each published product of the current tenant, in one query.

    The catalog is ordering's only source of prices: a product not published is absent.
    """
    found = rows.Product.objects.filter(
        pk__in=list(product_ids), status=ProductStatus.PUBLISHED.value
    ).only("id", "name", "currency", "price")
    return {row.id: Offer(row.name, row.price) for row in found}


def has_products() -> bool:
    """Return whether the current tenant has any product, whatever its status."""
    return rows.Product.objects.exists()


def published_product_ids() -> list[UUID]:
    """Return the ids of the current tenant's products on sale (published)."""
    return list(
        rows.Product.objects.filter(status=ProductStatus.PUBLISHED.value).values_list(
            "id", flat=True
        )
    )


def product_exists(product_id: UUID) -> bool:
    """Return whether the product exists in the current tenant, whatever its status."""
    return rows.Product.objects.filter(pk=product_id).exists()


def product_status(product_id: UUID) -> str | None:
    """Return the product's status in the current tenant, or None if there is no such product."""
    return rows.Product.objects.filter(pk=product_id).values_list("status", flat=True).first()


def product_names(product_ids: Iterable[UUID]) -> dict[UUID, str]:
    """Return the name of each of the current tenant's products in ``product_ids``, whatever
    its status, in one query; an id of no product here is absent."""
    ids = set(product_ids)
    if not ids:
        return {}
    return dict(rows.Product.objects.filter(pk__in=ids).values_list("id", "name"))


def products_named(text: str) -> dict[UUID, str]:
    """Return the id and name of the current tenant's products whose name contains ``text``
    (any case, any accents; every product for ""), whatever their status, in one query, by
    name."""
    found = rows.Product.objects.filter(name__unaccent__icontains=text.strip()).order_by("name")
    return dict(found.values_list("id", "name"))
