"""Rows of the catalog context."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models.functions import Lower

from emporium.catalog.domain.product import ProductStatus
from emporium.infrastructure.db.money_field import MoneyField
from emporium.multitenancy.scoping import TenantOwnedModel


class Category(TenantOwnedModel):
    """A node of a shop's category tree."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        db_index=False,
    )
    version = models.PositiveIntegerField(default=0)

    class Meta(TenantOwnedModel.Meta):
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "parent", "name"],
                name="catalog_category_name_per_parent",
                nulls_distinct=False,
            )
        ]
        indexes = [models.Index(fields=["tenant", "parent"], name="catalog_category_parent")]

    def __str__(self) -> str:
        return self.name


class Product(TenantOwnedModel):
    """A product row; the aggregate is ``emporium.catalog.domain.product.Product``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        db_index=False,
    )
    currency = models.CharField(max_length=3)
    price = MoneyField(currency_field="currency")
    status = models.CharField(
        max_length=16,
        choices=[(s.value, s.value) for s in ProductStatus],
        default=ProductStatus.DRAFT.value,
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            # The application checks first; this decides two concurrent creates. Case is
            # ignored: "Mug" and "MUG" are one product to a customer.
            models.UniqueConstraint(
                models.F("tenant"), Lower("name"), name="catalog_product_name_ci"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "name"], name="catalog_product_listing"),
            models.Index(fields=["tenant", "category"], name="catalog_product_category"),
        ]

    def __str__(self) -> str:
        return self.name
