"""A customer's data in payments: their payments with refunds, exported; card digits, erased."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from emporium.payments import models as rows
from emporium.payments.adapters.queries import payment_document, visible_payments

#: What a payment's document says of the card: the export leaves it out (issue 16: "payments
#: without card data").
CARD_FIELDS = ("brand", "last4")


def customer_payments(customer_id: UUID) -> list[dict[str, Any]]:
    """Return the customer's payments, oldest first, each with its refunds and without card
    data (brand and last four digits)."""
    payments = visible_payments(customer_id).order_by("created_at", "id")
    return [
        {key: value for key, value in payment_document(row).items() if key not in CARD_FIELDS}
        for row in payments
    ]


def erase_card_digits(customer_id: UUID) -> int:
    """Blank the last four card digits of the customer's payments; return how many changed.

    Amounts, method, brand, status and dates stay: they are the shop's accounting.
    """
    return rows.Payment.objects.filter(customer_id=customer_id).exclude(last4="").update(last4="")
