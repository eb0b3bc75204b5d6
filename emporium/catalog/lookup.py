"""Answers about products that other contexts need (through ``emporium.catalog.public``)."""

from __future__ import annotations

from uuid import UUID

from emporium.catalog import models as rows


def product_exists(product_id: UUID) -> bool:
    """Return whether the product exists in the current tenant, whatever its status."""
    return rows.Product.objects.filter(pk=product_id).exists()


def product_status(product_id: UUID) -> str | None:
    """Return the product's status in the current tenant, or None if there is no such product."""
    return rows.Product.objects.filter(pk=product_id).values_list("status", flat=True).first()
