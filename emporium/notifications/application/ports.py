"""Ports of the notifications context: the channels a message leaves by, and its text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class EmailSender(Protocol):
    """Sends one e-mail."""

    def send(self, to: str, subject: str, body: str) -> None:
        """Send ``body`` under ``subject`` to the address ``to``; raise if it cannot."""
        ...


class PushNotifier(Protocol):
    """Pushes a notification to an account's devices."""

    def notify(self, user_id: str, title: str, body: str) -> None:
        """Push ``title`` and ``body`` to the account ``user_id``; raise if it cannot."""
        ...


@dataclass(frozen=True)
class Contact:
    """Where a customer is reached, as the account says now."""

    email: str
    name: str


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


class MessageRenderer(Protocol):
    """Turns a named template and its values into a message's text."""

    def render(self, template: str, context: Mapping[str, str]) -> Message:
        """Return the subject and body of ``template`` rendered with ``context``."""
        ...


class ShopDirectory(Protocol):
    """Knows the shop that the event being handled belongs to."""

    def current_name(self) -> str:
        """Return the display name of the current shop."""
        ...
