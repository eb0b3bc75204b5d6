"""Payments and their refunds in the back office: read-only; a refund goes through the use case.

Customers are identity's accounts, read through ``identity.public`` once per page; the order is
linked by the id the payment keeps.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from emporium.identity.public import CustomerColumns
from emporium.infrastructure.admin_actions import run_each
from emporium.infrastructure.admin_display import money_text
from emporium.multitenancy.admin_base import ReadOnlyTenantInline, TenantModelAdmin
from emporium.payments import bootstrap
from emporium.payments.application.refund_payment import RefundPayment
from emporium.payments.models import Payment, Refund


class RefundInline(ReadOnlyTenantInline):
    model = Refund
    fields = ("id", "refunded", "created_at")
    readonly_fields = fields
    ordering = ("created_at", "id")

    @admin.display(description="amount")
    def refunded(self, refund: Refund) -> str:
        return money_text(refund.amount)


@admin.register(Payment)
class PaymentAdmin(CustomerColumns, TenantModelAdmin[Payment]):
    list_display = (
        "id", "order", "customer", "method", "status", "amount_text", "refunded_text", "card",
        "created_at",
    )  # fmt: skip
    list_filter = ("status", "method")
    # Also by the customer's e-mail or name: get_search_results asks identity for the ids.
    search_fields = ("id", "order_id", "transaction_id")
    search_help_text = "Payment, order or transaction id, or the customer's e-mail or name."
    ordering = ("-created_at",)
    inlines = (RefundInline,)
    fields = readonly_fields = (
        "id", "order", "customer", "customer_name", "method", "status", "amount_text",
        "refunded_text", "card", "transaction_id", "created_at", "updated_at",
    )  # fmt: skip
    actions = ("refund_rest",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False  # nothing is edited here; a refund goes through the use case

    def has_delete_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False

    @admin.display(description="order")
    def order(self, payment: Payment) -> str:
        return _order_link(payment.order_id)

    @admin.display(description="amount", ordering="amount")
    def amount_text(self, payment: Payment) -> str:
        return money_text(payment.amount)

    @admin.display(description="refunded", ordering="refunded_amount")
    def refunded_text(self, payment: Payment) -> str:
        return money_text(payment.refunded_amount)

    @admin.display(description="card")
    def card(self, payment: Payment) -> str:
        return " ".join(part for part in (payment.brand, payment.last4) if part) or "-"

    @admin.action(description="Refund all that is left of the selected payments (no restock)")
    def refund_rest(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        run_each(
            request,
            queryset,
            lambda pk: bootstrap.refund_payment(
                RefundPayment(payment_id=pk, amount=None), by=request.user.pk
            ),
        )


def _order_link(order_id: UUID) -> str:
    """Return the order's id, linked to its page in the back office."""
    try:
        url = reverse("admin:ordering_order_change", args=[order_id])
    except NoReverseMatch:
        return str(order_id)
    return format_html('<a href="{}">{}</a>', url, order_id)
