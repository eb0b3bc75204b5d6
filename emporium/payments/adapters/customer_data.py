"""A customer's data in payments: their payments with refunds, exported; card digits, erased."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from emporium.payments import models as rows
from emporium.payments.adapters.queries import payment_document, visible_payments


def customer_payments(customer_id: UUID) -> list[dict[str, Any]]:
    """Return the customer's payments, oldest first, each with its refunds."""
    payments = visible_payments(customer_id).order_by("created_at", "id")
    return [payment_document(row) for row in payments]


def erase_card_digits(customer_id: UUID) -> int:
    """Blank the last four card digits of the customer's payments; return how many changed.

    Amounts, method, brand, status and dates stay: they are the shop's accounting.
    """
    return rows.Payment.objects.filter(customer_id=customer_id).exclude(last4="").update(last4="")
