"""Ordering envelopes as analytics' projections read them from the event store."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from emporium.shared_kernel.events import EventEnvelope
from emporium.shared_kernel.money import Money

NOV_25_NOON = datetime(2026, 11, 25, 12, tzinfo=UTC)


def line(
    product_id: str,
    quantity: int,
    unit_price: str = "1.00",
    *,
    name: str = "Item",
    currency: str = "USD",
) -> dict[str, Any]:
    """Return an order line as events carry it; its total is ``unit_price`` x ``quantity``."""
    price = Money.of(unit_price, currency)
    return {
        "product_id": product_id,
        "name": name,
        "quantity": quantity,
        "unit_price": price.to_dict(),
        "line_total": (price * quantity).to_dict(),
    }


def _lines(*quantities: int) -> list[dict[str, Any]]:
    return [
        line(str(uuid.uuid4()), quantity, name=f"Item {n}") for n, quantity in enumerate(quantities)
    ]


def _envelope(
    type_: str, order_id: str, version: int, at: datetime, tenant: str, payload: dict[str, Any]
) -> EventEnvelope:
    return EventEnvelope(
        id=uuid.uuid4(),
        type=type_,
        occurred_at=at,
        tenant=tenant,
        aggregate_id=order_id,
        aggregate_version=version,
        payload=payload,
    )


def placed(
    order_id: str,
    total: str,
    *quantities: int,
    at: datetime = NOV_25_NOON,
    tenant: str = "acme",
    customer: str | None = None,
    lines: list[dict[str, Any]] | None = None,
    currency: str = "USD",
) -> EventEnvelope:
    """Return the ``ordering.order_placed`` envelope of an order of ``total``.

    Its lines are ``lines``, or one line of 1.00 per quantity in ``quantities``.
    """
    money = {"amount": total, "currency": currency}
    return _envelope(
        "ordering.order_placed",
        order_id,
        1,
        at,
        tenant,
        {
            "customer_id": customer or str(uuid.uuid4()),
            "currency": currency,
            "lines": lines if lines is not None else _lines(*quantities),
            "tax_rate": "0.00",
            "subtotal": money,
            "tax": Money.zero(currency).to_dict(),
            "total": money,
            "reserved_until": at.replace(minute=15).isoformat(),
        },
    )


def cancelled(
    order_id: str,
    *,
    at: datetime = datetime(2026, 11, 26, 9, tzinfo=UTC),
    tenant: str = "acme",
    customer: str | None = None,
) -> EventEnvelope:
    """Return the ``ordering.order_cancelled`` envelope of an order."""
    return _envelope(
        "ordering.order_cancelled",
        order_id,
        2,
        at,
        tenant,
        {
            "customer_id": customer or str(uuid.uuid4()),
            "reason": "customer",
            "lines": _lines(1),
            "total": {"amount": "1.00", "currency": "USD"},
        },
    )


def paid(
    order_id: str,
    total: str,
    *,
    at: datetime = datetime(2026, 11, 26, 10, tzinfo=UTC),
    tenant: str = "acme",
    customer: str | None = None,
    currency: str = "USD",
) -> EventEnvelope:
    """Return the ``ordering.order_paid`` envelope of an order paid ``total`` at ``at``."""
    return _envelope(
        "ordering.order_paid",
        order_id,
        2,
        at,
        tenant,
        {
            "customer_id": customer or str(uuid.uuid4()),
            "payment_id": str(uuid.uuid4()),
            "total": {"amount": total, "currency": currency},
            "paid_at": at.isoformat(),
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
    customer: str | None = None,
    currency: str = "USD",
) -> EventEnvelope:
    """Return the ``ordering.order_refunded`` envelope of a refund of ``amount``."""
    total = refunded_total or amount
    return _envelope(
        "ordering.order_refunded",
        order_id,
        4,
        at,
        tenant,
        {
            "customer_id": customer or str(uuid.uuid4()),
            "payment_id": str(uuid.uuid4()),
            "refund_id": refund_id or str(uuid.uuid4()),
            "amount": {"amount": amount, "currency": currency},
            "refunded_total": {"amount": total, "currency": currency},
            "fully": refunded_total is None,
            "restocked": False,
            "refunded_at": at.isoformat(),
        },
    )


def of_type(envelope: EventEnvelope, type_: str) -> EventEnvelope:
    """Return a copy of ``envelope`` with another id and type."""
    return replace(envelope, id=uuid.uuid4(), type=type_)
