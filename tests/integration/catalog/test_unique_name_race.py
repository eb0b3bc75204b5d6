"""Two concurrent creates of the same name: the constraint lets exactly one win."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction
from django.test import Client

from emporium.catalog.models import Product
from emporium.identity.adapters.tokens import issue_token
from emporium.identity.models import User
from emporium.multitenancy.context import tenant_context

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
BODY = {
    "name": "Mug",
    "description": "Holds tea.",
    "category_id": None,
    "price": {"amount": "9.50", "currency": "USD"},
}


@pytest.fixture
def staff_token(acme_and_globex, make_account) -> str:
    acme, _ = acme_and_globex
    with transaction.atomic():  # PostgreSQL hands the tenant to RLS inside transactions only
        user = make_account(acme, "staff@acme.example", "staff")
    with tenant_context(acme), transaction.atomic():
        return issue_token(User.objects.get(pk=user.pk))[0]


def test_two_concurrent_creates_of_one_name_give_one_201_and_one_422(
    acme_and_globex, staff_token
) -> None:
    acme, _ = acme_and_globex
    barrier = threading.Barrier(2)
    statuses: list[int] = []
    bodies: list[dict] = []

    def create(token: str, host: str) -> None:
        client = Client(raise_request_exception=False)
        try:
            barrier.wait(timeout=10)
            response = client.post(
                "/api/v1/products/",
                BODY,
                content_type="application/json",
                HTTP_HOST=host,
                HTTP_AUTHORIZATION=f"Bearer {token}",
            )
            statuses.append(response.status_code)
            bodies.append(response.json())
        finally:
            connections.close_all()  # hand this thread's connection back to the pool

    threads = [
        threading.Thread(target=create, args=(staff_token, "acme.localhost")) for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [201, 422]
    refused = next(body for body in bodies if body.get("status") == 422)
    assert refused == {
        "type": "https://emporium.example/problems/name-taken",
        "title": "Business rule violated",
        "status": 422,
        "detail": "A product named 'Mug' exists already.",
    }
    with tenant_context(acme), transaction.atomic():
        assert list(Product.objects.values_list("name", flat=True)) == ["Mug"]
