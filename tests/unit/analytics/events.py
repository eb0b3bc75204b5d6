"""Ordering envelopes as the sales read model receives them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from emporium.shared_kernel.events import EventEnvelope
from emporium.shared_kernel.money import Money


def _lines(*quantities: int) -> list[dict[str, object]]:
    price = {"amount": "1.00", "currency": "USD"}
    return [
        {
            "product_id": str(uuid.uuid4()),
            "name": f"Item {n}",
            "quantity": quantity,
            "unit_price": price,
            "line_total": (Money.of("1.00", "USD") * quantity).to_dict(),
        }
        for n, quantity in enumerate(quantities)
    ]


def placed(
    order_id: str,
    total: str,
    *quantities: int,
    at: datetime = datetime(2026, 11, 25, 12, tzinfo=UTC),
    tenant: str = "acme",
) -> EventEnvelope:
    """Return the ``ordering.order_placed`` envelope of an order with lines of ``quantities``."""
    usd = {"amount": total, "currency": "USD"}
    return EventEnvelope(
        id=uuid.uuid4(),
        type="ordering.order_placed",
        occurred_at=at,
        tenant=tenant,
        aggregate_id=order_id,
        aggregate_version=1,
        payload={
            "customer_id": str(uuid.uuid4()),
            "lines": _lines(*quantities),
            "tax_rate": "0.00",
            "subtotal": usd,
            "tax": {"amount": "0.00", "currency": "USD"},
            "total": usd,
            "reserved_until": (at.replace(minute=15)).isoformat(),
        },
    )


def cancelled(
    order_id: str,
    *,
    at: datetime = datetime(2026, 11, 26, 9, tzinfo=UTC),
    tenant: str = "acme",
) -> EventEnvelope:
    """Return the ``ordering.order_cancelled`` envelope of an order."""
    return EventEnvelope(
        id=uuid.uuid4(),
        type="ordering.order_cancelled",
        occurred_at=at,
        tenant=tenant,
        aggregate_id=order_id,
        aggregate_version=2,
        payload={
            "customer_id": str(uuid.uuid4()),
            "reason": "customer",
            "lines": _lines(1),
            "total": {"amount": "1.00", "currency": "USD"},
        },
    )
