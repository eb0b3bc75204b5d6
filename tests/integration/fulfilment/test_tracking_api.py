"""GET /api/v1/orders/{id}/tracking/ through the API: who sees what, and the service's outages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from emporium.catalog import bootstrap as catalog
from emporium.catalog.application import use_cases as catalog_cases
from emporium.identity.adapters.tokens import issue_token
from emporium.inventory.application.use_cases import SetStock
from emporium.inventory.bootstrap import count_stock
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap as ordering
from emporium.ordering.application.use_cases import MarkOrderPaid, PlaceOrder
from emporium.ordering.domain.address import ShippingAddress
from emporium.shared_kernel.money import Money
from tests.integration.fulfilment.fake_service import BROKEN, NOT_FOUND, FakeService, shipped

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.integration.fulfilment.urls")]

PROBLEMS = "https://emporium.example/problems/"
ADDRESS = ShippingAddress("Ann Lee", "1 Quay St", "", "Bristol", "BS1 4DJ", "GB")


@dataclass
class Shop:
    acme: TenantRef
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    order: UUID = field(default_factory=uuid4)

    def track(self, who: str | None, order: UUID | None = None) -> Any:
        client = APIClient(HTTP_HOST="acme.localhost")
        if who:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.tokens[who]}")
        return client.get(f"/api/v1/orders/{order or self.order}/tracking/")


@pytest.fixture
def shop(acme_and_globex: Any, make_account: Any, link_settings: Any) -> Shop:
    """Acme with customers ann and bob, staff, and an order of ann's."""
    acme, globex = acme_and_globex
    shop = Shop(acme)
    for who, role, tenant in [
        ("ann", "customer", acme),
        ("bob", "customer", acme),
        ("staff", "staff", acme),
        ("globex", "owner", globex),
    ]:
        user = make_account(tenant, f"{who}@shop.example", role)
        shop.users[who] = user
        # In transactions: on PostgreSQL the tenant reaches Row-Level Security per transaction.
        with tenant_context(tenant), transaction.atomic():
            shop.tokens[who] = issue_token(user)[0]
    with tenant_context(acme), transaction.atomic():
        product = catalog.create_product(
            catalog_cases.CreateProduct("Mug", "Described.", None, Money.of("5.00", "USD"), "USD")
        )
        catalog.publish_product(catalog_cases.PublishProduct(product.id))
        count_stock(SetStock(product.id, 5))
        shop.order = ordering.place_order(
            PlaceOrder(shop.users["ann"].pk, [(product.id, 1)], shipping_address=ADDRESS)
        ).id
        # Paid with an address: the order was sent to the service, so tracking asks it.
        ordering.mark_order_paid(MarkOrderPaid(shop.order, uuid4()))
    return shop


def problem_type(response: Any) -> str:
    assert response["Content-Type"] == "application/problem+json"
    return str(response.json()["type"])


def test_the_customer_gets_the_live_shipment_of_their_order(
    shop: Shop, service: FakeService
) -> None:
    service.answer(shipped(shop.order))

    response = shop.track("ann")

    assert response.status_code == 200
    assert response.json() == {
        "status": "shipped",
        "carrier": "DHL",
        "tracking_number": "JD014600003SE",
        "shipped_at": "2026-12-03T10:15:00Z",
        "events": [
            {
                "status": "pending",
                "occurred_at": "2026-12-02T09:00:00.250000Z",
                "description": "Received at the warehouse",
            },
            {
                "status": "shipped",
                "occurred_at": "2026-12-03T10:15:00Z",
                "description": "Handed to DHL",
            },
        ],
    }
    [seen] = service.api_requests()
    assert (seen.path, seen.tenant, seen.signed) == (
        f"/api/v1/shipments/{shop.order}/",
        "acme",
        True,
    )


def test_the_shops_staff_get_it_too(shop: Shop, service: FakeService) -> None:
    service.answer(shipped(shop.order))

    assert shop.track("staff").status_code == 200


def test_another_customer_gets_404_not_found_and_the_service_is_not_asked(
    shop: Shop, service: FakeService
) -> None:
    service.answer(shipped(shop.order))

    response = shop.track("bob")

    assert response.status_code == 404
    assert problem_type(response) == PROBLEMS + "not-found"
    assert service.api_requests() == []


def test_an_unknown_order_is_404_not_found(shop: Shop, service: FakeService) -> None:
    response = shop.track("staff", order=uuid4())

    assert response.status_code == 404
    assert problem_type(response) == PROBLEMS + "not-found"
    assert service.api_requests() == []


@pytest.mark.parametrize("who", [None, "globex"])
def test_anonymous_callers_and_other_shops_tokens_are_401(
    shop: Shop, service: FakeService, who: str | None
) -> None:
    response = shop.track(who)

    assert response.status_code == 401
    assert service.api_requests() == []


def test_no_shipment_at_the_service_is_404_shipment_not_found(
    shop: Shop, service: FakeService
) -> None:
    service.answer(NOT_FOUND)

    response = shop.track("ann")

    assert response.status_code == 404
    assert problem_type(response) == PROBLEMS + "shipment-not-found"


def test_a_service_that_fails_is_503_service_unavailable_with_retry_after(
    shop: Shop, service: FakeService
) -> None:
    service.default = BROKEN

    response = shop.track("ann")

    assert response.status_code == 503
    assert problem_type(response).endswith("service-unavailable")
    assert response["Retry-After"] == "1"
    assert len(service.api_requests()) == 3


def test_a_service_that_is_down_is_503(shop: Shop, service: FakeService) -> None:
    service.stop()

    response = shop.track("ann")

    assert response.status_code == 503
    assert problem_type(response).endswith("service-unavailable")


def test_an_open_breaker_is_503_with_the_cooldown_left_and_no_call(
    shop: Shop, service: FakeService
) -> None:
    service.default = BROKEN
    for _ in range(5):
        assert shop.track("ann").status_code == 503

    response = shop.track("staff")

    assert response.status_code == 503
    assert problem_type(response).endswith("service-unavailable")
    assert 29 <= int(response["Retry-After"]) <= 30
    assert len(service.api_requests()) == 15


@pytest.mark.django_db(transaction=True)
def test_the_call_is_made_outside_the_request_transaction(shop: Shop, service: FakeService) -> None:
    # Outside a test transaction too: the token and the order are read in transactions of
    # their own (on PostgreSQL, Row-Level Security shows them only inside one).
    service.answer(shipped(shop.order))

    assert shop.track("ann").status_code == 200
    assert shop.track("bob").status_code == 404


def test_the_schema_documents_the_endpoint_and_its_problems() -> None:
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    operation = response.json()["paths"]["/api/v1/orders/{id}/tracking/"]["get"]
    assert operation["operationId"] == "orders_tracking"
    assert sorted(operation["responses"]) == ["200", "401", "404", "503"]
