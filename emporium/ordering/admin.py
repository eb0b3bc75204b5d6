"""Orders in the back office: read-only, with their lines and history; actions use the use cases."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from emporium.infrastructure.admin_actions import run_each
from emporium.multitenancy.admin_base import TenantModelAdmin
from emporium.ordering import bootstrap
from emporium.ordering.application.use_cases import CancelOrder, FulfilOrder
from emporium.ordering.domain.order import CancelReason
from emporium.ordering.models import Order, OrderEvent, OrderLine


class OrderLineInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OrderLine
    fields = ("position", "name", "product_id", "quantity", "unit_price")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(TenantModelAdmin[Order]):
    list_display = ("id", "status", "total", "customer_id", "created_at", "reserved_until")
    list_filter = ("status",)
    search_fields = ("id", "customer_id")
    ordering = ("-created_at",)
    inlines = (OrderLineInline,)
    readonly_fields = (
        "id", "status", "customer_id", "currency", "tax_rate", "subtotal", "tax", "total",
        "reserved_until", "payment_id", "paid_at", "cancel_reason", "created_at", "history",
    )  # fmt: skip
    fields = readonly_fields
    actions = ("cancel", "fulfil")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.display(description="history")
    def history(self, obj: Order) -> str:
        events = OrderEvent.objects.filter(order_id=obj.pk).order_by("version")
        return " → ".join(f"{event.version}. {event.type}" for event in events) or "-"

    @admin.action(description="Cancel the selected confirmed orders (stock returns)")
    def cancel(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        run_each(
            request,
            queryset,
            lambda pk: bootstrap.cancel_order(CancelOrder(pk, CancelReason.STAFF)),
        )

    @admin.action(description="Mark the selected paid orders fulfilled")
    def fulfil(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        run_each(request, queryset, lambda pk: bootstrap.fulfil_order(FulfilOrder(pk)))
