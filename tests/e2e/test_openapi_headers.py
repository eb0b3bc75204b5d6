"""The schema declares the headers a shop's API needs, so Swagger UI's "Try it out" can send them.

The docs at ``localhost/api/docs/`` are on a host that names no shop: every operation takes
``X-Tenant``, the creating POSTs take ``Idempotency-Key``, and tokens go in as bearer tokens.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from emporium.identity.adapters.tokens import issue_token
from emporium.multitenancy.context import tenant_context

#: The creating POSTs, whose views make a keyed POST idempotent (IdempotentCreateMixin).
IDEMPOTENT = {
    "POST /api/v1/categories/",
    "POST /api/v1/products/",
    "POST /api/v1/orders/",
    "POST /api/v1/orders/{id}/payments/",
    "POST /api/v1/payments/{id}/refunds/",
}

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema() -> dict[str, Any]:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def operations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, by_method in schema["paths"].items()
        for method, operation in by_method.items()
    }


def headers_of(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "header"}


def test_every_shop_operation_takes_an_optional_x_tenant_header(schema) -> None:
    shop_operations = {
        name: op
        for name, op in operations(schema).items()
        if name.split()[1].startswith("/api/v1/")
    }
    assert len(shop_operations) == len(operations(schema)) > 20

    without = [name for name, op in shop_operations.items() if "X-Tenant" not in headers_of(op)]
    assert without == []
    declared = {
        json.dumps(headers_of(op)["X-Tenant"], sort_keys=True) for op in shop_operations.values()
    }
    [x_tenant] = [json.loads(one) for one in declared]
    assert (x_tenant["in"], x_tenant.get("required", False), x_tenant["schema"]) == (
        "header",
        False,
        {"type": "string"},
    )
    assert "acme.localhost" in x_tenant["description"]


def test_exactly_the_creating_posts_take_an_idempotency_key(schema) -> None:
    keyed = {name for name, op in operations(schema).items() if "Idempotency-Key" in headers_of(op)}

    assert keyed == IDEMPOTENT
    for name in IDEMPOTENT:
        key = headers_of(operations(schema)[name])["Idempotency-Key"]
        assert (key["in"], key.get("required", False)) == ("header", False)
        assert key["schema"] == {"type": "string"}


def test_bearer_tokens_are_a_declared_security_scheme(schema) -> None:
    assert schema["components"]["securitySchemes"]["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "From POST /api/v1/auth/token/",
    }
    assert {"bearerToken": []} in operations(schema)["POST /api/v1/products/"]["security"]


def test_a_request_as_swagger_ui_sends_it_from_the_docs_host(acme_and_globex, make_account) -> None:
    acme, _ = acme_and_globex
    owner = make_account(acme, "owner@acme.example", "owner")
    with tenant_context(acme):
        token = issue_token(owner)[0]
    # Swagger UI on http://localhost:8000/api/docs/ calls the same origin with the headers the
    # operation declares, filled in, and the token from "Authorize".
    client = Client(HTTP_HOST="localhost:8000")
    headers = {
        "HTTP_ACCEPT": "application/json",
        "HTTP_X_TENANT": "acme",
        "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_IDEMPOTENCY_KEY": "swagger-try-1",
    }
    body = json.dumps(
        {"name": "Mug", "description": "A mug.", "price": {"amount": "9.50", "currency": "USD"}}
    )

    no_shop = client.get("/api/v1/products/", HTTP_ACCEPT="application/json")
    created = client.post("/api/v1/products/", body, content_type="application/json", **headers)
    replayed = client.post("/api/v1/products/", body, content_type="application/json", **headers)
    listed = client.get("/api/v1/products/?status=draft", **headers)

    assert no_shop.status_code == 404
    assert created.status_code == 201, created.content
    assert (replayed.status_code, replayed.content) == (201, created.content)
    assert [p["name"] for p in listed.json()["results"]] == ["Mug"]
