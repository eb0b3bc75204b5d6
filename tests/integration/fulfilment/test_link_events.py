"""The link's events: Emporium's envelopes pushed to the service, the service's taken in.

Without a broker the two processes push envelopes to each other's ``POST /internal/events/``
(ADR 0018). Here the service is the fake one on a real port; Emporium's endpoint is called
through the test client with requests signed as the service signs them.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from emporium.catalog import bootstrap as catalog
from emporium.catalog.application import use_cases as catalog_cases
from emporium.composition.customer_data import erase_customer
from emporium.fulfilment import bootstrap
from emporium.fulfilment.adapters.link_consumers import LINK_CONSUMER
from emporium.fulfilment.adapters.signing import signed_headers
from emporium.infrastructure.messaging.inbox import ConsumerRegistry
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.inventory.application.use_cases import SetStock
from emporium.inventory.bootstrap import count_stock
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap as ordering
from emporium.ordering import models as rows
from emporium.ordering.application.use_cases import MarkOrderPaid, PlaceOrder
from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.public import RecordRefund, record_order_refund
from emporium.shared_kernel.events import EventEnvelope
from emporium.shared_kernel.money import Money
from tests.integration.fulfilment.conftest import KEY
from tests.integration.fulfilment.fake_service import Answer, FakeService

pytestmark = pytest.mark.django_db

ADDRESS = ShippingAddress("Ann Lee", "1 Quay St", "", "Bristol", "BS1 4DJ", "GB")
ACCEPTED = Answer(204, None)


def paid_order(acme: TenantRef, customer: Any, address: ShippingAddress | None) -> UUID:
    """Place and pay an order of one mug in acme; return its id."""
    with tenant_context(acme), transaction.atomic():
        product = catalog.create_product(
            catalog_cases.CreateProduct(
                f"Mug {uuid4()}", "Described.", None, Money.of("5.00", "USD"), "USD"
            )
        )
        catalog.publish_product(catalog_cases.PublishProduct(product.id))
        count_stock(SetStock(product.id, 5))
        order = ordering.place_order(
            PlaceOrder(customer.pk, [(product.id, 1)], shipping_address=address)
        )
        ordering.mark_order_paid(MarkOrderPaid(order.id, uuid4()))
    return order.id


def envelope_of(event_type: str, order_id: UUID) -> EventEnvelope:
    row = OutboxMessage.objects.get(type=event_type, aggregate_id=str(order_id))
    return row.to_envelope()


@pytest.fixture
def ann(acme_and_globex: Any, make_account: Any) -> tuple[TenantRef, Any]:
    acme, _ = acme_and_globex
    return acme, make_account(acme, "ann@shop.example", "customer")


# --- out: what the service is pushed -----------------------------------------------------------


def test_a_fulfilment_request_is_pushed_signed_with_its_tenant(
    ann: tuple[TenantRef, Any], service: FakeService, link_settings: Any
) -> None:
    acme, customer = ann
    order_id = paid_order(acme, customer, ADDRESS)
    envelope = envelope_of("ordering.fulfilment_requested", order_id)
    service.answer(ACCEPTED)

    with tenant_context(acme), transaction.atomic():
        bootstrap._forward(envelope)

    [pushed] = service.api_requests()
    assert (pushed.method, pushed.path, pushed.tenant, pushed.signed) == (
        "POST",
        "/internal/events/",
        "acme",
        True,
    )
    sent = json.loads(pushed.body)
    assert (sent["id"], sent["aggregate_id"]) == (str(envelope.id), str(order_id))
    assert sent["payload"]["shipping_address"] == ADDRESS.to_dict()


def test_a_push_the_service_refuses_raises_so_it_is_retried(
    ann: tuple[TenantRef, Any], service: FakeService, link_settings: Any
) -> None:
    acme, customer = ann
    envelope = envelope_of("ordering.fulfilment_requested", paid_order(acme, customer, ADDRESS))
    service.answer(Answer(422, {"type": "unknown-type"}))

    with tenant_context(acme), transaction.atomic(), pytest.raises(RuntimeError, match="422"):
        bootstrap._forward(envelope)


def test_only_full_refunds_of_orders_sent_to_the_service_are_pushed(
    ann: tuple[TenantRef, Any], service: FakeService, link_settings: Any
) -> None:
    acme, customer = ann
    sent, digital = paid_order(acme, customer, ADDRESS), paid_order(acme, customer, None)
    with tenant_context(acme), transaction.atomic():
        for order_id in (sent, digital):
            order = rows.Order.objects.get(pk=order_id)
            record_order_refund(
                RecordRefund(
                    order_id, order.payment_id, uuid4(), order.total, order.total, timezone.now()
                )
            )
        refunds = [envelope_of("ordering.order_refunded", oid) for oid in (sent, digital)]
    service.answer(ACCEPTED)

    with tenant_context(acme), transaction.atomic():
        for envelope in refunds:
            bootstrap._forward(envelope)

    assert [json.loads(seen.body)["aggregate_id"] for seen in service.api_requests()] == [str(sent)]


# --- in: what the service pushes ---------------------------------------------------------------


def dispatched(order_id: UUID, tenant: str = "acme", **payload: Any) -> EventEnvelope:
    return EventEnvelope.from_json(
        json.dumps(
            {
                "id": str(uuid4()),
                "type": "fulfilment.shipment_dispatched",
                "occurred_at": "2026-12-03T10:15:00Z",
                "tenant": tenant,
                "aggregate_id": str(order_id),
                "aggregate_version": 1,
                "payload": {
                    "order_id": str(order_id),
                    "carrier": "Parcelforce Sim",
                    "tracking_number": "PF0001",
                    "shipped_at": "2026-12-03T10:15:00Z",
                    **payload,
                },
            }
        )
    )


def push(envelope: EventEnvelope | bytes, tenant: str | None = "acme", key: str = KEY) -> Any:
    body = envelope if isinstance(envelope, bytes) else envelope.to_json()
    headers = signed_headers(key, "POST", "/internal/events/", tenant or "", body)
    return Client().post(
        "/internal/events/",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def fulfilled_events(acme: TenantRef, order_id: UUID) -> list[dict[str, Any]]:
    with tenant_context(acme), transaction.atomic():
        return list(
            rows.OrderEvent.objects.filter(
                order_id=order_id, type="ordering.order_fulfilled"
            ).values_list("payload", flat=True)
        )


def test_a_dispatch_pushed_twice_fulfils_the_order_once(
    ann: tuple[TenantRef, Any], link_settings: Any
) -> None:
    acme, customer = ann
    order_id = paid_order(acme, customer, ADDRESS)
    envelope = dispatched(order_id)

    first, again = push(envelope), push(envelope)

    assert (first.status_code, again.status_code) == (204, 204)
    assert fulfilled_events(acme, order_id) == [
        {
            "customer_id": str(customer.pk),
            "carrier": "Parcelforce Sim",
            "tracking_number": "PF0001",
            "shipped_at": "2026-12-03T10:15:00Z",
        }
    ]
    with tenant_context(acme), transaction.atomic():
        order = rows.Order.objects.get(pk=order_id)
    assert (order.status, order.fulfilment_status, order.tracking_number) == (
        "fulfilled",
        "shipped",
        "PF0001",
    )


def test_a_second_report_of_the_same_shipment_with_a_new_id_changes_nothing(
    ann: tuple[TenantRef, Any], link_settings: Any
) -> None:
    acme, customer = ann
    order_id = paid_order(acme, customer, ADDRESS)

    assert push(dispatched(order_id)).status_code == 204
    assert push(dispatched(order_id)).status_code == 204

    assert len(fulfilled_events(acme, order_id)) == 1


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("unsigned", 401, "not-authenticated"),
        ("wrong key", 401, "not-authenticated"),
        ("not an envelope", 400, "invalid-envelope"),
        ("not the service's event", 422, "unknown-type"),
        ("another tenant named", 400, "tenant-mismatch"),
        ("no such shop", 404, "tenant-not-found"),
        ("payload missing a field", 422, "invalid-payload"),
    ],
)
def test_a_bad_push_is_refused_and_changes_nothing(
    ann: tuple[TenantRef, Any], link_settings: Any, case: str, status: int, code: str
) -> None:
    acme, customer = ann
    order_id = paid_order(acme, customer, ADDRESS)
    good = dispatched(order_id)
    if case == "unsigned":
        response = Client().post("/internal/events/", good.to_json(), "application/json")
    elif case == "wrong key":
        response = push(good, key="not-the-key")
    elif case == "not an envelope":
        response = push(b'{"id": "nope"}')
    elif case == "not the service's event":
        response = push(
            EventEnvelope.from_json(good.to_json().replace(b"fulfilment.", b"ordering.", 1))
        )
    elif case == "another tenant named":
        response = push(good, tenant="globex")
    elif case == "no such shop":
        response = push(dispatched(order_id, tenant="nowhere"), tenant="nowhere")
    else:
        broken = json.loads(good.to_json())
        del broken["payload"]["tracking_number"]
        response = push(json.dumps(broken).encode())

    assert response.status_code == status
    assert response.json()["type"].endswith(f"/{code}")
    assert fulfilled_events(acme, order_id) == []


def test_without_a_broker_an_erasure_is_pushed_to_the_service(
    ann: tuple[TenantRef, Any], service: FakeService, link_settings: Any
) -> None:
    # ADR 0022: the service blanks the customer's shipment addresses when told.
    acme, customer = ann
    link_settings.CELERY_BROKER_URL = ""
    registry = ConsumerRegistry()
    bootstrap.register_consumers(registry)
    with tenant_context(acme), transaction.atomic():
        erase_customer(customer.pk, actor_id=customer.pk)
    erased = OutboxMessage.objects.get(type="identity.customer_erased")
    handler = registry.handler_for(LINK_CONSUMER, "identity.customer_erased")
    assert handler is not None
    service.answer(ACCEPTED)

    with tenant_context(acme), transaction.atomic():
        handler(erased.to_envelope())

    [pushed] = service.api_requests()
    assert (pushed.method, pushed.path, pushed.tenant, pushed.signed) == (
        "POST",
        "/internal/events/",
        "acme",
        True,
    )
    sent = json.loads(pushed.body)
    assert (sent["type"], sent["aggregate_id"], sent["payload"]["customer_id"]) == (
        "identity.customer_erased",
        str(customer.pk),
        str(customer.pk),
    )
