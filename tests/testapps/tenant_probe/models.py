"""Two tenant-owned models with a foreign key between them."""

from __future__ import annotations

from django.db import models

from emporium.multitenancy.scoping import TenantOwnedModel


class Shelf(TenantOwnedModel):
    name = models.CharField(max_length=50)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="probe_shelf_name_per_tenant")
        ]

    def __str__(self) -> str:
        return self.name


class Item(TenantOwnedModel):
    shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE, related_name="items", db_index=False)
    name = models.CharField(max_length=50)
    quantity = models.IntegerField(default=0)

    class Meta(TenantOwnedModel.Meta):
        indexes = [models.Index(fields=["tenant", "shelf"], name="probe_item_shelf")]

    def __str__(self) -> str:
        return self.name
