"""Adapters of the notifications ports: Django's e-mail and templates, a logging push."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from emporium.identity.public import account_contact
from emporium.notifications.application.ports import Contact, Message
from emporium.tenancy.public import shop_name

push_logger = logging.getLogger("emporium.notifications.push")


class DjangoEmailSender:
    """Implement ``EmailSender`` with ``EMAIL_BACKEND``: console, SMTP or (in tests) locmem."""

    def send(self, to: str, subject: str, body: str) -> None:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)


class LoggingPushNotifier:
    """Implement ``PushNotifier`` with a structured log line, until a provider is chosen."""

    def notify(self, user_id: str, title: str, body: str) -> None:
        # The body stays out of the log: it may carry the customer's personal data.
        push_logger.info(
            "push notification to %s: %s",
            user_id,
            title,
            extra={"push_user_id": user_id, "push_title": title, "push_body_length": len(body)},
        )


class DjangoTemplateRenderer:
    """Implement ``MessageRenderer``: the template's first line is the subject, the rest body."""

    def render(self, template: str, context: Mapping[str, str]) -> Message:
        subject, _, body = render_to_string(template, dict(context)).strip().partition("\n")
        # A header holds one line: fold any whitespace a value brought along.
        return Message(subject=" ".join(subject.split()), body=body.strip() + "\n")


class TenantShopDirectory:
    """Implement ``ShopDirectory`` with the name of the tenant in context."""

    def current_name(self) -> str:
        # tenancy.public exports no selector for a tenant's name yet; read the row through the
        # app registry until it does, rather than importing tenancy's models.
        return shop_name()


class AccountDirectory:
    """Implement ``CustomerDirectory`` with identity's accounts of the tenant in context."""

    def contact_of(self, user_id: str) -> Contact | None:
        found = account_contact(user_id)
        return Contact(*found) if found else None
