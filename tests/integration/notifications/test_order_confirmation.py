"""Order confirmations in-process: one per order however often the event is delivered."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail

from emporium.infrastructure.messaging.publisher import InProcessPublisher
from emporium.shared_kernel.events import EventEnvelope


def order_placed(customer_id: str, tenant: str = "acme") -> EventEnvelope:
    usd = "USD"
    return EventEnvelope(
        id=uuid.uuid4(),
        type="ordering.order_placed",
        occurred_at=datetime(2026, 11, 25, 12, tzinfo=UTC),
        tenant=tenant,
        aggregate_id=str(uuid.uuid4()),
        aggregate_version=1,
        payload={
            "customer_id": customer_id,
            "lines": [
                {
                    "product_id": "p1",
                    "name": "Teapot",
                    "quantity": 2,
                    "unit_price": {"amount": "10.00", "currency": usd},
                    "line_total": {"amount": "20.00", "currency": usd},
                }
            ],
            "tax_rate": "8.00",
            "subtotal": {"amount": "20.00", "currency": usd},
            "tax": {"amount": "1.60", "currency": usd},
            "total": {"amount": "21.60", "currency": usd},
            "reserved_until": "2026-11-25T12:15:00+00:00",
        },
    )


@pytest.fixture
def ada(acme_and_globex: Any, make_account: Any) -> Any:
    acme, _ = acme_and_globex
    return make_account(acme, "ada@example.com", "customer")


@pytest.mark.django_db
def test_one_confirmation_per_order_even_when_delivered_twice(ada: Any) -> None:
    placed = order_placed(str(ada.id))
    publisher = InProcessPublisher()

    publisher.publish(placed)
    publisher.publish(placed)

    [confirmation] = mail.outbox
    assert confirmation.to == ["ada@example.com"]
    assert confirmation.subject == "Your order at Acme Inc."
    assert "2 x Teapot: 20.00 USD" in confirmation.body
    assert "Total: 21.60 USD" in confirmation.body
