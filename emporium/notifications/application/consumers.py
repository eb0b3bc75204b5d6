"""The notifications consumers of integration events: each raises when its send fails."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from emporium.notifications.application.ports import (
    Contact,
    EmailSender,
    Message,
    MessageRenderer,
    PushNotifier,
    ShopDirectory,
)

WELCOME_TEMPLATE = "notifications/welcome.txt"
ORDER_CONFIRMATION_TEMPLATE = "notifications/order_confirmation.txt"
PAYMENT_RECEIPT_TEMPLATE = "notifications/payment_receipt.txt"
REFUND_NOTICE_TEMPLATE = "notifications/refund_notice.txt"


class Envelope(Protocol):
    """What a consumer reads of an integration event's envelope."""

    @property
    def aggregate_id(self) -> str: ...

    @property
    def payload(self) -> dict[str, Any]: ...


class CustomerDirectory(Protocol):
    """Knows where to reach a customer of the current shop."""

    def contact_of(self, user_id: str) -> Contact | None:
        """Return the account's e-mail and name now; None once it is erased (nobody is to be
        reached any more); raise if there is no such account."""
        ...


def send_welcome_email(
    envelope: Envelope,
    *,
    email_sender: EmailSender,
    renderer: MessageRenderer,
    shops: ShopDirectory,
    customers: CustomerDirectory,
) -> None:
    """E-mail the welcome of ``identity.customer_registered`` to the new customer.

    The address and name are the account's, not the event's: an event delivered after the
    customer's erasure still carries them, and nothing is sent then (ADR 0022).
    """
    contact = customers.contact_of(envelope.aggregate_id)
    if contact is None:
        return
    context = {"shop_name": shops.current_name(), "customer_name": contact.name}
    message = renderer.render(WELCOME_TEMPLATE, context)
    email_sender.send(contact.email, message.subject, message.body)


def send_welcome_push(
    envelope: Envelope,
    *,
    push_notifier: PushNotifier,
    shops: ShopDirectory,
    customers: CustomerDirectory,
) -> None:
    """Push the welcome of ``identity.customer_registered`` to the new account (not to an
    account erased since)."""
    contact = customers.contact_of(envelope.aggregate_id)
    if contact is None:
        return
    title = f"Welcome to {shops.current_name()}"
    body = f"Hi {contact.name}, your account is ready."
    push_notifier.notify(envelope.aggregate_id, title, body)


def send_order_confirmation(
    envelope: Envelope,
    *,
    email_sender: EmailSender,
    renderer: MessageRenderer,
    shops: ShopDirectory,
    customers: CustomerDirectory,
) -> None:
    """E-mail the customer of ``ordering.order_placed`` its lines and total."""
    payload = envelope.payload
    lines = "\n".join(
        f"{line['quantity']} x {line['name']}: {_money(line['line_total'])}"
        for line in payload["lines"]
    )
    context = {
        "shop_name": shops.current_name(),
        "order_id": envelope.aggregate_id,
        "lines": lines,
        "total": _money(payload["total"]),
    }
    message = renderer.render(ORDER_CONFIRMATION_TEMPLATE, context)
    _mail(customers, payload["customer_id"], email_sender, message)


def send_payment_receipt(
    envelope: Envelope,
    *,
    email_sender: EmailSender,
    renderer: MessageRenderer,
    shops: ShopDirectory,
    customers: CustomerDirectory,
) -> None:
    """E-mail the customer of ``ordering.order_paid`` the amount, time and id of the payment."""
    payload = envelope.payload
    context = {
        "shop_name": shops.current_name(),
        "order_id": envelope.aggregate_id,
        "amount": _money(payload["total"]),
        "paid_at": _utc(payload["paid_at"]),
        "payment_id": payload["payment_id"],
    }
    message = renderer.render(PAYMENT_RECEIPT_TEMPLATE, context)
    _mail(customers, payload["customer_id"], email_sender, message)


def send_refund_notice(
    envelope: Envelope,
    *,
    email_sender: EmailSender,
    renderer: MessageRenderer,
    shops: ShopDirectory,
    customers: CustomerDirectory,
) -> None:
    """E-mail the customer of ``ordering.order_refunded`` what was refunded, when, and in all."""
    payload = envelope.payload
    context = {
        "shop_name": shops.current_name(),
        "order_id": envelope.aggregate_id,
        "amount": _money(payload["amount"]),
        "refunded_total": _money(payload["refunded_total"]),
        "fully": payload["fully"],
        "refunded_at": _utc(payload["refunded_at"]),
        "refund_id": payload["refund_id"],
    }
    message = renderer.render(REFUND_NOTICE_TEMPLATE, context)
    _mail(customers, payload["customer_id"], email_sender, message)


def _mail(
    customers: CustomerDirectory, user_id: str, email_sender: EmailSender, message: Message
) -> None:
    # An erased customer is mailed nothing more (their address is gone: ADR 0022).
    contact = customers.contact_of(user_id)
    if contact is not None:
        email_sender.send(contact.email, message.subject, message.body)


def _money(value: Mapping[str, str]) -> str:
    return f"{value['amount']} {value['currency']}"


def _utc(value: str) -> str:
    # Customers live in many time zones and the shop stores none of theirs: say UTC plainly.
    return datetime.fromisoformat(value).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
