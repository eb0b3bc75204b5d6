"""An erasure touches the erased customer's copies only: the outbox rows and delivery failures
of their account and orders, by the keys the personal-data registry declares. Neighbours share
a city and a postal code; their messages and their errors stay byte for byte the same.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

import pytest
from django.utils import timezone

from emporium.identity.domain.account import ERASED_EMAIL_DOMAIN
from emporium.infrastructure.messaging.models import DeliveryFailure
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import tenant_context
from tests.e2e.compliance.conftest import ADDRESS, CARD, PASSWORD

pytestmark = pytest.mark.django_db

#: Bob lives next door to Ann: the same city and postal code, a line2 like hers.
BOB_ADDRESS = {**ADDRESS, "name": "Bob Neighbour", "line1": "18 Marrowbone Lane"}
#: What a refusing server says about either of them.
ERROR = "550 no courier for Ludlowgrange LX9 7QZ (Flat 9c)"


def paid_order(shop, call, who: str, address: dict[str, str]) -> str:
    body = {
        "items": [{"product_id": str(shop.products["mug"]), "quantity": 1}],
        "shipping_address": address,
    }
    placed = call("post", "/api/v1/orders/", who, body)
    assert placed.status_code == 201, placed.content
    order_id = str(placed.json()["id"])
    paid = call("post", f"/api/v1/orders/{order_id}/payments/", who, CARD)
    assert paid.status_code == 201, paid.content
    return order_id


def failed_delivery(row: OutboxMessage, consumer: str) -> DeliveryFailure:
    """Record the row's envelope as failed for ``consumer``, as a retry record keeps it (without
    a broker the link's own failed push may have recorded it already)."""
    envelope = row.to_envelope()
    failure, _ = DeliveryFailure.objects.update_or_create(
        consumer=consumer,
        event_id=envelope.id,
        defaults={
            "event_type": envelope.type,
            "tenant": envelope.tenant,
            "envelope": envelope.to_json().decode(),
            "attempts": 1,
            "last_error": ERROR,
            "last_failed_at": timezone.now(),
        },
    )
    return failure


def snapshot(aggregate_id: str) -> dict[str, Any]:
    """Return the outbox rows and delivery failures of one aggregate as they are stored."""
    rows = OutboxMessage.objects.filter(aggregate_id=aggregate_id).order_by("id")
    event_ids = [row.id for row in rows]
    failures = DeliveryFailure.objects.filter(event_id__in=event_ids).order_by("id")
    return {
        "outbox": [(row.type, row.payload, row.last_error) for row in rows],
        "failures": [(f.consumer, f.envelope, f.last_error) for f in failures],
    }


@pytest.fixture
def neighbours(shop, call) -> tuple[str, str]:
    """Ann's and Bob's paid orders, each with a failed push and an error naming the street."""
    ann, bob = paid_order(shop, call, "ann", ADDRESS), paid_order(shop, call, "bob", BOB_ADDRESS)
    with tenant_context(shop.acme):
        for order_id in (ann, bob):
            row = OutboxMessage.objects.get(
                type="ordering.fulfilment_requested", aggregate_id=order_id
            )
            OutboxMessage.objects.filter(pk=row.pk).update(last_error=ERROR)
            failed_delivery(row, "fulfilment-link")
    return ann, bob


def test_erasing_a_customer_leaves_a_neighbour_s_messages_as_they_were(
    shop, call, neighbours
) -> None:
    _, bob = neighbours
    with tenant_context(shop.acme):
        before = snapshot(bob)

    erased = call("post", "/api/v1/me/erasure/", "ann", {"password": PASSWORD})

    assert erased.status_code == 202, erased.content
    with tenant_context(shop.acme):
        after = snapshot(bob)
    assert after == before
    [(_, payload, _)] = [entry for entry in after["outbox"] if entry[0].endswith("requested")]
    assert payload["shipping_address"] == BOB_ADDRESS


def test_the_erased_customer_s_messages_are_scrubbed_by_their_declared_keys(
    shop, call, neighbours
) -> None:
    ann, _ = neighbours

    erased = call("post", "/api/v1/me/erasure/", "ann", {"password": PASSWORD})

    assert erased.status_code == 202, erased.content
    gone = {
        "name": "[erased]",
        "line1": "[erased]",
        "line2": "[erased]",
        "city": "[erased]",
        "postal_code": "[erased]",
        "country": "GB",
    }
    with tenant_context(shop.acme):
        row = OutboxMessage.objects.get(type="ordering.fulfilment_requested", aggregate_id=ann)
        failure = DeliveryFailure.objects.get(event_id=row.id)
    assert row.payload["shipping_address"] == gone
    assert row.last_error == "550 no courier for [erased] [erased] ([erased])"
    envelope = json.loads(failure.envelope)
    assert envelope["payload"]["shipping_address"] == gone
    assert envelope["aggregate_id"] == ann
    assert failure.last_error == "550 no courier for [erased] [erased] ([erased])"


def test_an_e_mail_the_account_no_longer_has_is_scrubbed_from_its_messages(shop, call) -> None:
    # The welcome e-mail of an address changed since: erasure finds it by key, not by value.
    ann = shop.users["ann"]
    with tenant_context(shop.acme):
        row = OutboxMessage.objects.create(
            tenant="acme",
            type="identity.customer_registered",
            aggregate_id=str(ann.pk),
            id=uuid4(),
            aggregate_version=1,
            payload={"customer_id": str(ann.pk), "email": "ann.old@mail.example", "name": "Ann"},
            occurred_at=timezone.now(),
        )
        failed_delivery(row, "notifications")

    erased = call("post", "/api/v1/me/erasure/", "ann", {"password": PASSWORD})

    assert erased.status_code == 202, erased.content
    with tenant_context(shop.acme):
        row.refresh_from_db()
        failure = DeliveryFailure.objects.get(event_id=row.id)
    erased_email = f"erased-{ann.pk}@{ERASED_EMAIL_DOMAIN}"
    assert (row.payload["email"], row.payload["name"]) == (erased_email, "[erased]")
    payload = json.loads(failure.envelope)["payload"]
    assert (payload["email"], payload["name"]) == (erased_email, "[erased]")
