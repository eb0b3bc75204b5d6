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


def refunded(
    order_id: str,
    amount: str,
    *,
    refunded_total: str | None = None,
    at: datetime = datetime(2026, 11, 27, 23, 30, tzinfo=UTC),
    refund_id: str | None = None,
    tenant: str = "acme",
) -> EventEnvelope:
    """Return the ``ordering.order_refunded`` envelope of a refund of ``amount`` USD."""
    total = refunded_total or amount
    return EventEnvelope(
        id=uuid.uuid4(),
        type="ordering.order_refunded",
        occurred_at=at,
        tenant=tenant,
        aggregate_id=order_id,
        aggregate_version=4,
        payload={
            "customer_id": str(uuid.uuid4()),
            "payment_id": str(uuid.uuid4()),
            "refund_id": refund_id or str(uuid.uuid4()),
            "amount": {"amount": amount, "currency": "USD"},
            "refunded_total": {"amount": total, "currency": "USD"},
            "fully": refunded_total is None,
            "restocked": False,
            "refunded_at": at.isoformat(),
        },
    )
