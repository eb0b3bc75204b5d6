"""Reads of the payments context."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from emporium.infrastructure.http.fields import timestamp
from emporium.payments import models as rows


def visible_payments(customer_id: UUID | None) -> QuerySet[rows.Payment]:
    """Return the payments a caller may see: all of the shop's, or one customer's own."""
    payments = rows.Payment.objects.all()
    return payments if customer_id is None else payments.filter(customer_id=customer_id)


def payment_document(row: rows.Payment) -> dict[str, Any]:
    """Return the payment as API.md shows it."""
    return {
        "id": str(row.id),
        "order_id": str(row.order_id),
        "status": row.status,
        "method": row.method,
        "amount": row.amount.to_dict(),
        "brand": row.brand,
        "last4": row.last4,
        "refunded_amount": row.refunded_amount.to_dict(),
        "created_at": timestamp(row.created_at),
    }
