"""The refund notice of ``ordering.order_refunded``: to the customer, with amount and time."""

from __future__ import annotations

import pytest

from emporium.notifications.adapters.channels import DjangoTemplateRenderer
from emporium.notifications.application.consumers import send_refund_notice
from emporium.shared_kernel.events import EventEnvelope
from tests.integration.notifications.test_consumers import (
    ACCOUNT_ID,
    Broken,
    Customers,
    Outbox,
    Shop,
    envelope,
)

ORDER_ID = "0b0b0b0b-0000-4000-8000-00000000000b"
REFUND_ID = "0d0d0d0d-0000-4000-8000-00000000000d"


def refunded(amount: str, refunded_total: str, *, fully: bool) -> EventEnvelope:
    payload = {
        "customer_id": ACCOUNT_ID,
        "payment_id": "0c0c0c0c-0000-4000-8000-00000000000c",
        "refund_id": REFUND_ID,
        "amount": {"amount": amount, "currency": "USD"},
        "refunded_total": {"amount": refunded_total, "currency": "USD"},
        "fully": fully,
        "restocked": False,
        "refunded_at": "2026-11-27T13:30:00+01:00",
    }
    return envelope("ordering.order_refunded", payload, ORDER_ID)


def send(event: EventEnvelope) -> tuple[str, str, str]:
    outbox = Outbox()
    send_refund_notice(
        event,
        email_sender=outbox,
        renderer=DjangoTemplateRenderer(),
        shops=Shop(),
        customers=Customers(),
    )
    [sent] = outbox.sent
    return sent


def test_a_full_refund_says_the_order_is_refunded() -> None:
    to, subject, body = send(refunded("21.60", "21.60", fully=True))

    assert (to, subject) == ("ada@example.com", "Your refund from Acme Inc.")
    assert body.splitlines() == [
        "Hi,",
        "",
        f"we have refunded 21.60 USD of your order {ORDER_ID} to the way you paid.",
        "",
        "Refunded on: 2026-11-27 12:30:00 UTC",
        "The whole order is now refunded.",
        f"Refund id: {REFUND_ID}",
        "",
        "It may take a few days to show on your statement.",
        "",
        "Acme Inc.",
    ]


def test_a_partial_refund_says_how_much_is_refunded_so_far() -> None:
    _, _, body = send(refunded("5.00", "7.50", fully=False))

    assert "we have refunded 5.00 USD of your order" in body
    assert "Refunded so far: 7.50 USD" in body.splitlines()
    assert "The whole order" not in body


def test_a_failed_notice_raises_so_the_delivery_is_retried() -> None:
    with pytest.raises(ConnectionRefusedError):
        send_refund_notice(
            refunded("1.00", "1.00", fully=True),
            email_sender=Broken(),
            renderer=DjangoTemplateRenderer(),
            shops=Shop(),
            customers=Customers(),
        )
