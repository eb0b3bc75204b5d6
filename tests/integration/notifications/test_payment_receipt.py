"""Payment receipts in-process: one per paid order, however often ``order_paid`` is delivered."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail

from emporium.infrastructure.messaging.inbox import consume_once, consumer_registry
from emporium.infrastructure.messaging.publisher import InProcessPublisher
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import tenant_context
from tests.e2e.payments.test_payments_api import DECLINED, card, pay, place

pytestmark = pytest.mark.django_db

RECEIPT = "Your payment receipt from Acme Inc."
CONFIRMATION = "Your order at Acme Inc."


@pytest.fixture
def committed(shop: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Run a request's on-commit work as its commit would, with the consumers in-process."""
    settings.CELERY_BROKER_URL = ""  # the `make run` default: consumers run in-process

    def call(request: Any, *args: Any) -> Any:
        with tenant_context(shop.acme), django_capture_on_commit_callbacks(execute=True):
            return request(shop, *args)

    return call


def test_paying_an_order_e_mails_one_receipt_and_the_confirmation_stays_one(
    shop: Any, committed: Any
) -> None:
    order = committed(place, "ann", True)
    response = committed(pay, order["id"], card())

    assert response.status_code == 201, response.content
    payment = response.json()
    assert [(m.subject, m.to) for m in mail.outbox] == [
        (CONFIRMATION, ["ann@shop.example"]),
        (RECEIPT, ["ann@shop.example"]),
    ]
    [row] = OutboxMessage.objects.filter(type="ordering.order_paid")
    paid_at = datetime.fromisoformat(row.payload["paid_at"]).astimezone(UTC)
    body = mail.outbox[1].body.splitlines()
    assert f"Acme Inc. received your payment for order {order['id']}. Thank you!" in body
    assert f"Amount paid: {order['total']['amount']} USD" in body
    assert f"Paid at: {paid_at:%Y-%m-%d %H:%M:%S} UTC" in body
    assert f"Payment id: {payment['id']}" in body


def test_order_paid_delivered_again_sends_no_second_receipt(shop: Any, committed: Any) -> None:
    order = committed(place, "ann", True)
    committed(pay, order["id"], card())
    [row] = OutboxMessage.objects.filter(type="ordering.order_paid")
    [(name, handler)] = [
        (name, handler)
        for name, handler in consumer_registry().consumers_for("ordering.order_paid")
        if name != "projections"
    ]

    # A relay retry, then a broker redelivery to the consumer itself.
    InProcessPublisher().publish(row.to_envelope())
    InProcessPublisher().publish(row.to_envelope())
    ran = consume_once(name, row.to_envelope(), handler)

    assert name == "payment-receipt"
    assert ran is False
    assert [m.subject for m in mail.outbox] == [CONFIRMATION, RECEIPT]


def test_a_declined_payment_sends_no_receipt(shop: Any, committed: Any) -> None:
    order = committed(place, "ann", True)
    response = committed(pay, order["id"], card(DECLINED))

    assert response.status_code == 402
    assert [m.subject for m in mail.outbox] == [CONFIRMATION]
    assert not OutboxMessage.objects.filter(type="ordering.order_paid").exists()
