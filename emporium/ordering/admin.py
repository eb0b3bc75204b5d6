"""Orders in the back office: read-only, with their customer, lines, amounts and history;
actions use the use cases.

Customers are identity's accounts, read through ``identity.public`` once per page. The payment
is shown by the id the order keeps, linked by URL to the payments admin (ordering does not
import payments), which links back to the order.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from emporium.identity.public import CustomerColumns
from emporium.infrastructure.admin_actions import run_each
from emporium.infrastructure.admin_display import money_text
from emporium.multitenancy.admin_base import ReadOnlyTenantInline, TenantModelAdmin
from emporium.ordering import bootstrap
from emporium.ordering.application.use_cases import CancelOrder, FulfilOrder
from emporium.ordering.domain.order import CancelReason
from emporium.ordering.models import Order, OrderEvent, OrderLine


class OrderLineInline(ReadOnlyTenantInline):
    model = OrderLine
    fields = ("name", "product_id", "quantity", "price_each", "line_total")
    readonly_fields = fields
    ordering = ("position",)
    verbose_name_plural = "lines (name and price as ordered)"

    @admin.display(description="unit price")
    def price_each(self, line: OrderLine) -> str:
        return money_text(line.unit_price)

    @admin.display(description="line total")
    def line_total(self, line: OrderLine) -> str:
        return money_text(line.unit_price * line.quantity)


@admin.register(Order)
class OrderAdmin(CustomerColumns, TenantModelAdmin[Order]):
    list_display = ("id", "customer", "customer_name", "status", "amount", "created_at", "paid_at")
    list_filter = ("status", "created_at")
    # Also by the customer's e-mail or name: get_search_results asks identity for the ids.
    search_fields = ("id", "payment_id")
    search_help_text = "Order id, payment id, or the customer's e-mail or name."
    ordering = ("-created_at",)
    inlines = (OrderLineInline,)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "id",
                    "status",
                    "customer",
                    "customer_name",
                    "created_at",
                    "reserved_until",
                )
            },
        ),
        ("Amounts", {"fields": ("subtotal_text", "tax_rate", "tax_text", "amount")}),
        ("Payment", {"fields": ("payment", "paid_at", "cancel_reason")}),
        ("History", {"fields": ("history",)}),
    )
    readonly_fields = (
        "id", "status", "customer", "customer_name", "created_at", "reserved_until",
        "subtotal_text", "tax_rate", "tax_text", "amount", "payment", "paid_at", "cancel_reason",
        "history",
    )  # fmt: skip
    actions = ("cancel", "fulfil")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False  # nothing is edited here; the actions go through the use cases

    def has_delete_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False

    @admin.display(description="total", ordering="total")
    def amount(self, order: Order) -> str:
        return money_text(order.total)

    @admin.display(description="subtotal")
    def subtotal_text(self, order: Order) -> str:
        return money_text(order.subtotal)

    @admin.display(description="tax")
    def tax_text(self, order: Order) -> str:
        return money_text(order.tax)

    @admin.display(description="payment")
    def payment(self, order: Order) -> str:
        return _payment_links(order)

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


def _payment_links(order: Order) -> str:
    """Return the id of the payment that paid the order, linked to its page, and a link to every
    payment of the order (declined ones too) in the payments' list, when the back office has it."""
    try:
        every = reverse("admin:payments_payment_changelist")
    except NoReverseMatch:
        return str(order.payment_id or "-")
    if order.payment_id is None:
        paid = "not paid"
    else:
        url = reverse("admin:payments_payment_change", args=[order.payment_id])
        paid = format_html('<a href="{}">{}</a>', url, order.payment_id)
    return format_html(
        '{} (<a href="{}?order_id={}">every payment of this order</a>)', paid, every, order.pk
    )
