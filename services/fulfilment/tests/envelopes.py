"""Envelopes as Emporium sends them: the fixtures the tests consume."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from shipments.envelope import Envelope

ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "line2": "Flat 3",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}
LINES = [
    {
        "product_id": "6f1c2a52-8f7e-4d0b-9b1a-2f0f6f1d3c11",
        "name": "Walnut desk",
        "quantity": 2,
        "unit_price": {"amount": "120.00", "currency": "GBP"},
        "line_total": {"amount": "240.00", "currency": "GBP"},
    }
]
OCCURRED_AT = datetime(2026, 12, 3, 10, 15, 30, tzinfo=UTC)


def envelope(
    event_type: str,
    payload: dict[str, Any],
    tenant: str | None = "acme",
    aggregate_id: str | None = None,
    aggregate_version: int = 1,
) -> Envelope:
    """Return an envelope with a fresh id."""
    return Envelope(
        id=uuid.uuid4(),
        type=event_type,
        occurred_at=OCCURRED_AT,
        tenant=tenant,
        aggregate_id=aggregate_id or str(uuid.uuid4()),
        aggregate_version=aggregate_version,
        payload=payload,
    )


#: The customer of the fixtures (customer ids are account UUIDs).
CUSTOMER = "8d3b7c1e-5f2a-4e9b-a6c4-0d1e2f3a4b5c"
OTHER_CUSTOMER = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"


def fulfilment_requested(
    order_id: str | uuid.UUID | None = None, tenant: str = "acme", customer_id: str = CUSTOMER
) -> Envelope:
    """Return ``ordering.fulfilment_requested`` for an order (a new one by default)."""
    return envelope(
        "ordering.fulfilment_requested",
        {"customer_id": customer_id, "lines": LINES, "shipping_address": dict(ADDRESS)},
        tenant=tenant,
        aggregate_id=str(order_id or uuid.uuid4()),
        aggregate_version=3,
    )


def order_refunded(order_id: str | uuid.UUID, fully: bool, tenant: str = "acme") -> Envelope:
    """Return ``ordering.order_refunded`` of an order, full or partial."""
    amount = {"amount": "259.20" if fully else "10.00", "currency": "GBP"}
    return envelope(
        "ordering.order_refunded",
        {
            "customer_id": CUSTOMER,
            "payment_id": str(uuid.uuid4()),
            "refund_id": str(uuid.uuid4()),
            "amount": amount,
            "refunded_total": amount,
            "fully": fully,
            "restocked": False,
            "refunded_at": "2026-12-03T11:00:00Z",
        },
        tenant=tenant,
        aggregate_id=str(order_id),
        aggregate_version=5,
    )


def customer_erased(customer_id: str, tenant: str = "acme") -> Envelope:
    """Return ``identity.customer_erased``."""
    return envelope(
        "identity.customer_erased",
        {"customer_id": customer_id},
        tenant=tenant,
        aggregate_id=customer_id,
    )


def tenant_deleted(slug: str, tenant: str | None = None) -> Envelope:
    """Return ``tenancy.tenant_deleted`` of shop ``slug`` (a platform event by default)."""
    return envelope("tenancy.tenant_deleted", {"slug": slug}, tenant=tenant, aggregate_id=slug)
