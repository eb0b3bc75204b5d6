"""The welcome a new customer gets: an e-mail and a push notification."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol
from uuid import UUID

from emporium.notifications.application.ports import (
    EmailSender,
    MessageRenderer,
    PushNotifier,
    ShopDirectory,
)

logger = logging.getLogger(__name__)

WELCOME_TEMPLATE = "notifications/welcome.txt"


class NewCustomer(Protocol):
    """What the welcome needs of identity's CustomerRegistered."""

    @property
    def event_id(self) -> UUID: ...

    @property
    def type(self) -> str: ...

    @property
    def aggregate_id(self) -> str: ...

    @property
    def email(self) -> str: ...

    @property
    def name(self) -> str: ...


def send_welcome(
    event: NewCustomer,
    email_sender: EmailSender,
    push_notifier: PushNotifier,
    *,
    renderer: MessageRenderer,
    shops: ShopDirectory,
) -> None:
    """Send the welcome e-mail and push; log each failure with the event id, never raise."""

    def email() -> None:
        context = {"shop_name": shops.current_name(), "customer_name": event.name}
        message = renderer.render(WELCOME_TEMPLATE, context)
        email_sender.send(event.email, message.subject, message.body)

    def push() -> None:
        title = f"Welcome to {shops.current_name()}"
        push_notifier.notify(event.aggregate_id, title, f"Hi {event.name}, your account is ready.")

    # One channel failing must not keep the other from the customer.
    _deliver("welcome e-mail", email, event)
    _deliver("welcome push", push, event)


def _deliver(what: str, send: Callable[[], None], event: NewCustomer) -> None:
    try:
        send()
    except Exception:
        logger.exception(
            "%s failed for event %s",
            what,
            event.event_id,
            extra={"event_id": str(event.event_id), "event_type": event.type},
        )
