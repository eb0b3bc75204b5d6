"""Reads of the payments context."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from emporium.infrastructure.http.fields import timestamp
from emporium.payments import models as rows


def visible_payments(customer_id: UUID | None) -> QuerySet[rows.Payment]:
    """Return the payments a caller may see: all of the shop's, or one customer's own.

    Their refunds come along in one more query for the whole page, oldest first.
    """
    refunds = Prefetch("refunds", queryset=rows.Refund.objects.order_by("created_at", "id"))
    payments = rows.Payment.objects.prefetch_related(refunds)
    return payments if customer_id is None else payments.filter(customer_id=customer_id)


def refund_document(row: rows.Refund) -> dict[str, Any]:
    """Return one refund as the API shows it."""
    return {
        "id": str(row.id),
        "amount": row.amount.to_dict(),
        "created_at": timestamp(row.created_at),
    }


def payment_document(row: rows.Payment) -> dict[str, Any]:
    """Return the payment as API.md shows it, with its refunds oldest first."""
    return {
        "id": str(row.id),
        "order_id": str(row.order_id),
        "status": row.status,
        "method": row.method,
        "amount": row.amount.to_dict(),
        "brand": row.brand,
        "last4": row.last4,
        "refunded_amount": row.refunded_amount.to_dict(),
        "refunds": [refund_document(refund) for refund in row.refunds.all()],
        "created_at": timestamp(row.created_at),
    }
