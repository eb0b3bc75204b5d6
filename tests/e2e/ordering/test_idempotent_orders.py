"""Placing an order with an Idempotency-Key: replays answer the first response and order once."""

from __future__ import annotations

import pytest
from django.test import Client

from emporium.multitenancy.context import tenant_context
from emporium.ordering.models import Order

pytestmark = pytest.mark.django_db


def place(shop, key: str, quantity: int = 1):
    return Client().post(
        "/api/v1/orders/",
        {"items": [{"product_id": str(shop.products["mug"]), "quantity": quantity}]},
        content_type="application/json",
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {shop.tokens['ann']}",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_a_hundred_replays_give_one_order_and_identical_responses(shop) -> None:
    responses = [place(shop, "order-1") for _ in range(100)]

    assert {r.status_code for r in responses} == {201}
    assert len({r.content for r in responses}) == 1
    with tenant_context(shop.acme):
        assert Order.objects.count() == 1


def test_the_same_key_with_another_body_is_422(shop) -> None:
    place(shop, "order-2", quantity=1)

    response = place(shop, "order-2", quantity=2)

    assert response.status_code == 422
    assert response.json()["type"].endswith("/idempotency-key-reused")
    with tenant_context(shop.acme):
        assert Order.objects.count() == 1


def test_a_refusal_for_stock_is_not_stored_and_may_be_retried(shop) -> None:
    refused = place(shop, "order-3", quantity=11)  # 10 in stock

    assert refused.status_code == 409
    assert place(shop, "order-3", quantity=11).status_code == 409  # worked again, not replayed
