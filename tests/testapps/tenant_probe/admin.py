"""The probe models in the back office, so tests can show every admin path is scoped."""

from __future__ import annotations

from django.contrib import admin

from emporium.multitenancy.admin_base import TenantModelAdmin
from tests.testapps.tenant_probe.models import Item, Shelf


@admin.register(Shelf)
class ShelfAdmin(TenantModelAdmin[Shelf]):
    list_display = ("name",)
    search_fields = ("name",)
    ordering = ("name",)


@admin.register(Item)
class ItemAdmin(TenantModelAdmin[Item]):
    list_display = ("name", "shelf", "quantity")
    list_filter = ("shelf",)
    list_select_related = ("shelf",)
    search_fields = ("name", "shelf__name")
    ordering = ("name",)
