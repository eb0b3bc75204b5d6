"""The welcome handler with working fakes of its ports; one channel failing spares the other."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from uuid import UUID

import pytest
from django.apps import apps

from emporium.identity.public import CustomerRegistered
from emporium.infrastructure.bus import message_bus
from emporium.notifications.application.ports import Message
from emporium.notifications.application.welcome import WELCOME_TEMPLATE, send_welcome

EVENT_ID = UUID("5e1c0000-0000-4000-8000-000000000001")
ACCOUNT_ID = "0a0a0a0a-0000-4000-8000-00000000000a"


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

    def notify(self, user_id: str, title: str, body: str) -> None:
        raise TimeoutError("push provider timed out")


class FormatRenderer:
    def __init__(self) -> None:
        self.rendered: list[tuple[str, dict[str, str]]] = []

    def render(self, template: str, context: Mapping[str, str]) -> Message:
        self.rendered.append((template, dict(context)))
        return Message(
            subject=f"Welcome to {context['shop_name']}",
            body=f"Hi {context['customer_name']}",
        )


class Shop:
    def current_name(self) -> str:
        return "Acme Inc."


class NoShop:
    def current_name(self) -> str:
        raise LookupError("no tenant in context")


def registered() -> CustomerRegistered:
    return CustomerRegistered(
        aggregate_id=ACCOUNT_ID,
        aggregate_version=1,
        event_id=EVENT_ID,
        email="ada@example.com",
        name="Ada Lovelace",
    )


def test_the_customer_gets_the_welcome_email_and_push() -> None:
    outbox, devices, renderer = Outbox(), Devices(), FormatRenderer()

    send_welcome(registered(), outbox, devices, renderer=renderer, shops=Shop())

    assert renderer.rendered == [
        (WELCOME_TEMPLATE, {"shop_name": "Acme Inc.", "customer_name": "Ada Lovelace"})
    ]
    assert outbox.sent == [("ada@example.com", "Welcome to Acme Inc.", "Hi Ada Lovelace")]
    assert devices.pushed == [
        (ACCOUNT_ID, "Welcome to Acme Inc.", "Hi Ada Lovelace, your account is ready.")
    ]


def test_a_failing_email_does_not_stop_the_push_and_is_logged_with_the_event_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    devices = Devices()

    send_welcome(registered(), Broken(), devices, renderer=FormatRenderer(), shops=Shop())

    assert [pushed[0] for pushed in devices.pushed] == [ACCOUNT_ID]
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure.getMessage() == f"welcome e-mail failed for event {EVENT_ID}"
    assert failure.event_id == str(EVENT_ID)
    assert failure.exc_info is not None
    assert failure.exc_info[0] is ConnectionRefusedError


def test_a_failing_push_does_not_stop_the_email_and_is_logged_with_the_event_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    outbox = Outbox()

    send_welcome(registered(), outbox, Broken(), renderer=FormatRenderer(), shops=Shop())

    assert [sent[0] for sent in outbox.sent] == ["ada@example.com"]
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert failure.getMessage() == f"welcome push failed for event {EVENT_ID}"
    assert failure.event_id == str(EVENT_ID)


def test_when_everything_fails_it_logs_both_and_raises_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    send_welcome(registered(), Broken(), Broken(), renderer=FormatRenderer(), shops=NoShop())

    assert [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR] == [
        f"welcome e-mail failed for event {EVENT_ID}",
        f"welcome push failed for event {EVENT_ID}",
    ]


def test_the_app_registers_the_welcome_once_however_often_it_is_readied() -> None:
    apps.get_app_config("notifications").ready()

    handlers = message_bus().handlers_for(CustomerRegistered)

    assert [getattr(h, "func", None) for h in handlers].count(send_welcome) == 1
