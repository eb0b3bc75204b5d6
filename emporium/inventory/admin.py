"""Stock and its ledger in the back office, read-only: counts go through the stock endpoint."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from emporium.inventory.models import StockItem, StockMovement
from emporium.multitenancy.admin_base import TenantModelAdmin


class ReadOnly(TenantModelAdmin):  # type: ignore[type-arg]
    """A tenant-scoped admin that only shows."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(StockItem)
class StockItemAdmin(ReadOnly):
    list_display = ("product_id", "on_hand", "reserved", "updated_at")
    search_fields = ("product_id",)
    ordering = ("product_id",)


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnly):
    list_display = (
        "created_at",
        "product_id",
        "kind",
        "on_hand_delta",
        "reserved_delta",
        "on_hand_after",
        "reserved_after",
        "reference",
    )
    list_filter = ("kind",)
    search_fields = ("product_id", "reference")
    ordering = ("-created_at",)
