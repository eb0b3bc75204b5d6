"""The notifications consumers with fakes of their ports: each sends once and raises on failure."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from uuid import UUID

import pytest
from django.apps import apps

from emporium.infrastructure.messaging.inbox import consumer_registry
from emporium.notifications.application.consumers import (
    ORDER_CONFIRMATION_TEMPLATE,
    WELCOME_TEMPLATE,
    send_order_confirmation,
    send_welcome_email,
    send_welcome_push,
)
from emporium.notifications.application.ports import Contact, Message
from emporium.shared_kernel.events import EventEnvelope

ACCOUNT_ID = "0a0a0a0a-0000-4000-8000-00000000000a"


def envelope(event_type: str, payload: dict[str, object], aggregate_id: str) -> EventEnvelope:
    return EventEnvelope(
        id=UUID("5e1c0000-0000-4000-8000-000000000001"),
        type=event_type,
        occurred_at=datetime(2026, 11, 25, 12, tzinfo=UTC),
        tenant="acme",
        aggregate_id=aggregate_id,
        aggregate_version=1,
        payload=payload,
    )


def registered() -> EventEnvelope:
    payload = {"email": "ada@example.com", "name": "Ada Lovelace"}
    return envelope("identity.customer_registered", payload, ACCOUNT_ID)


def placed() -> EventEnvelope:
    usd = "USD"
    payload = {
        "customer_id": ACCOUNT_ID,
        "lines": [
            {
                "product_id": "p1",
                "name": "Teapot",
                "quantity": 2,
                "unit_price": {"amount": "10.00", "currency": usd},
                "line_total": {"amount": "20.00", "currency": usd},
            }
        ],
        "total": {"amount": "21.60", "currency": usd},
    }
    return envelope("ordering.order_placed", payload, "order-1")


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))


class Devices:
    def __init__(self) -> None:
        self.pushed: list[tuple[str, str, str]] = []

    def notify(self, user_id: str, title: str, body: str) -> None:
        self.pushed.append((user_id, title, body))


class Broken:
    def send(self, to: str, subject: str, body: str) -> None:
        raise ConnectionRefusedError("SMTP server down")


class EchoRenderer:
    def render(self, template: str, context: Mapping[str, str]) -> Message:
        return Message(subject=template, body=repr(sorted(context.items())))


class Shop:
    def current_name(self) -> str:
        return "Acme Inc."


ADA = Contact("ada@example.com", "Ada Lovelace")


class Customers:
    """The account as identity has it now: Ada, or nobody once she is erased."""

    def __init__(self, contact: Contact | None = ADA) -> None:
        self.contact = contact

    def contact_of(self, user_id: str) -> Contact | None:
        assert user_id == ACCOUNT_ID
        return self.contact


ERASED = Customers(None)


def test_the_welcome_email_goes_to_the_account_s_address() -> None:
    outbox = Outbox()
    # The account's e-mail and name now, not the event's: it may have changed since.
    customers = Customers(Contact("ada@example.com", "Ada King"))

    send_welcome_email(
        registered(),
        email_sender=outbox,
        renderer=EchoRenderer(),
        shops=Shop(),
        customers=customers,
    )

    [(to, subject, body)] = outbox.sent
    assert (to, subject) == ("ada@example.com", WELCOME_TEMPLATE)
    assert "Ada King" in body


def test_the_welcome_push_goes_to_the_account() -> None:
    devices = Devices()

    send_welcome_push(registered(), push_notifier=devices, shops=Shop(), customers=Customers())

    assert devices.pushed == [
        (ACCOUNT_ID, "Welcome to Acme Inc.", "Hi Ada Lovelace, your account is ready.")
    ]


def test_an_erased_account_is_neither_mailed_nor_pushed_whatever_the_event_says() -> None:
    # A late customer_registered (queued before the erasure) still holds the real address.
    outbox, devices = Outbox(), Devices()

    send_welcome_email(
        registered(), email_sender=outbox, renderer=EchoRenderer(), shops=Shop(), customers=ERASED
    )
    send_welcome_push(registered(), push_notifier=devices, shops=Shop(), customers=ERASED)
    send_order_confirmation(
        placed(), email_sender=outbox, renderer=EchoRenderer(), shops=Shop(), customers=ERASED
    )

    assert (outbox.sent, devices.pushed) == ([], [])


def test_the_order_confirmation_lists_lines_and_total_to_the_customer() -> None:
    outbox = Outbox()

    send_order_confirmation(
        placed(), email_sender=outbox, renderer=EchoRenderer(), shops=Shop(), customers=Customers()
    )

    [(to, subject, body)] = outbox.sent
    assert (to, subject) == ("ada@example.com", ORDER_CONFIRMATION_TEMPLATE)
    assert "2 x Teapot: 20.00 USD" in body
    assert "21.60 USD" in body


def test_a_failed_send_raises_so_the_delivery_is_retried() -> None:
    with pytest.raises(ConnectionRefusedError):
        send_order_confirmation(
            placed(),
            email_sender=Broken(),
            renderer=EchoRenderer(),
            shops=Shop(),
            customers=Customers(),
        )


def test_ready_twice_registers_each_consumer_once() -> None:
    apps.get_app_config("notifications").ready()
    apps.get_app_config("notifications").ready()

    registry = consumer_registry()
    # Other contexts consume these events too; only the notifications consumers are counted.
    ours = {"welcome-email", "welcome-push", "order-confirmation", "payment-receipt"}
    assert {
        event_type: [n for n, _ in registry.consumers_for(event_type) if n in ours]
        for event_type in (
            "identity.customer_registered",
            "ordering.order_placed",
            "ordering.order_paid",
        )
    } == {
        "identity.customer_registered": ["welcome-email", "welcome-push"],
        "ordering.order_placed": ["order-confirmation"],
        "ordering.order_paid": ["payment-receipt"],
    }
