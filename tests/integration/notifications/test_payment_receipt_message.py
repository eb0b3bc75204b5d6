"""The payment receipt of ``ordering.order_paid``: to the customer, with amount, time and id."""

from __future__ import annotations

import pytest

from emporium.notifications.adapters.channels import DjangoTemplateRenderer
from emporium.notifications.application.consumers import (
    PAYMENT_RECEIPT_TEMPLATE,
    send_payment_receipt,
)
from emporium.shared_kernel.events import EventEnvelope
from tests.integration.notifications.test_consumers import (
    ACCOUNT_ID,
    Broken,
    Customers,
    EchoRenderer,
    Outbox,
    Shop,
    envelope,
)

ORDER_ID = "0b0b0b0b-0000-4000-8000-00000000000b"
PAYMENT_ID = "0c0c0c0c-0000-4000-8000-00000000000c"


def paid(paid_at: str = "2026-11-25T12:03:09.250000+00:00") -> EventEnvelope:
    payload = {
        "customer_id": ACCOUNT_ID,
        "payment_id": PAYMENT_ID,
        "total": {"amount": "21.60", "currency": "USD"},
        "paid_at": paid_at,
    }
    return envelope("ordering.order_paid", payload, ORDER_ID)


def test_the_receipt_goes_to_the_customer_with_amount_time_and_payment() -> None:
    outbox = Outbox()

    send_payment_receipt(
        paid(), email_sender=outbox, renderer=EchoRenderer(), shops=Shop(), customers=Customers()
    )

    [(to, subject, body)] = outbox.sent
    assert (to, subject) == ("ada@example.com", PAYMENT_RECEIPT_TEMPLATE)
    assert body == repr(
        [
            ("amount", "21.60 USD"),
            ("order_id", ORDER_ID),
            ("paid_at", "2026-11-25 12:03:09 UTC"),
            ("payment_id", PAYMENT_ID),
            ("shop_name", "Acme Inc."),
        ]
    )


def test_the_time_paid_is_told_in_utc_whatever_offset_the_event_carries() -> None:
    outbox = Outbox()

    send_payment_receipt(
        paid("2026-11-25T13:03:09+01:00"),
        email_sender=outbox,
        renderer=EchoRenderer(),
        shops=Shop(),
        customers=Customers(),
    )

    [(_, _, body)] = outbox.sent
    assert "('paid_at', '2026-11-25 12:03:09 UTC')" in body


def test_the_receipt_template_reads_subject_then_body() -> None:
    outbox = Outbox()

    send_payment_receipt(
        paid(),
        email_sender=outbox,
        renderer=DjangoTemplateRenderer(),
        shops=Shop(),
        customers=Customers(),
    )

    [(_, subject, body)] = outbox.sent
    assert subject == "Your payment receipt from Acme Inc."
    assert body.splitlines() == [
        "Hi,",
        "",
        f"Acme Inc. received your payment for order {ORDER_ID}. Thank you!",
        "",
        "Amount paid: 21.60 USD",
        "Paid at: 2026-11-25 12:03:09 UTC",
        f"Payment id: {PAYMENT_ID}",
        "",
        "Please keep this e-mail as your receipt.",
        "",
        "Acme Inc.",
    ]


def test_a_failed_receipt_raises_so_the_delivery_is_retried() -> None:
    with pytest.raises(ConnectionRefusedError):
        send_payment_receipt(
            paid(),
            email_sender=Broken(),
            renderer=EchoRenderer(),
            shops=Shop(),
            customers=Customers(),
        )
