"""Rows of the inventory context: stock per product and the ledger of every movement."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from emporium.multitenancy.scoping import TenantOwnedModel


class StockItem(TenantOwnedModel):
    """Stock of one product (by id: inventory does not reach into the catalog's tables)."""

    product_id = models.UUIDField()
    on_hand = models.PositiveIntegerField(default=0)
    reserved = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "product_id"], name="inventory_stock_product"
            ),
            # The database refuses oversell even if every check above it were wrong.
            models.CheckConstraint(
                condition=Q(reserved__gte=0) & Q(reserved__lte=F("on_hand")),
                name="inventory_reserved_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.on_hand} on hand, {self.reserved} reserved"


class StockMovement(TenantOwnedModel):
    """One line of the stock ledger."""

    product_id = models.UUIDField()
    kind = models.CharField(max_length=16)  # adjust, reserve, release, commit, return
    on_hand_delta = models.IntegerField(default=0)
    reserved_delta = models.IntegerField(default=0)
    on_hand_after = models.PositiveIntegerField()
    reserved_after = models.PositiveIntegerField()
    reference = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        indexes = [
            models.Index(fields=["tenant", "product_id", "created_at"], name="inventory_ledger")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id}"


class Reservation(TenantOwnedModel):
    """Units of one product held for one order until ``expires_at``."""

    order_id = models.UUIDField()
    product_id = models.UUIDField()
    quantity = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=16, default="active")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "order_id", "product_id"], name="inventory_reservation_line"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} of {self.product_id} for {self.order_id}"
