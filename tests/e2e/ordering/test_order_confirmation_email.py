"""Placing an order without a broker e-mails one confirmation after the commit."""

from __future__ import annotations

import pytest
from django.core import mail

from emporium.infrastructure.messaging.publisher import InProcessPublisher
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def test_one_confirmation_per_order_listing_lines_and_total(
    shop, settings, django_capture_on_commit_callbacks
) -> None:
    settings.CELERY_BROKER_URL = ""  # the `make run` default: consumers run in-process

    with tenant_context(shop.acme), django_capture_on_commit_callbacks(execute=True):
        response = shop.order("ann", ("mug", 2), ("pan", 1))

    assert response.status_code == 201
    [confirmation] = mail.outbox
    assert confirmation.to == ["ann@shop.example"]
    assert confirmation.subject == "Your order at Acme Inc."
    assert f"order {response.json()['id']} at Acme Inc., which holds:" in confirmation.body
    assert ".." not in confirmation.body  # "Acme Inc." ends no sentence twice
    assert "2 x Mug: 0.70 USD" in confirmation.body
    assert "1 x Pan: 45.90 USD" in confirmation.body
    assert f"Total: {response.json()['total']['amount']} USD" in confirmation.body

    # The same event delivered again (a relay retry) sends nothing more.
    [row] = OutboxMessage.objects.filter(type="ordering.order_placed")
    InProcessPublisher().publish(row.to_envelope())
    assert len(mail.outbox) == 1
