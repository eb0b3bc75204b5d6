"""HTTP basics: health, OpenAPI, Swagger UI and problem documents for every API error."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_answers_200() -> None:
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_lists_every_configured_dependency_as_ok(settings) -> None:
    response = Client().get("/readyz")

    expected = {"database": "ok"}
    if settings.REDIS_URL:
        expected["cache"] = "ok"
    if settings.CELERY_BROKER_URL:
        expected["broker"] = "ok"
    assert response.status_code == 200
    # No fulfilment service answers in the tests: degraded, still ready.
    assert response.json() == {"status": "ready", "checks": expected, "degraded": ["fulfilment"]}


def test_unknown_api_url_is_a_problem_document_not_html() -> None:
    response = Client().get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "https://emporium.example/problems/not-found",
        "title": "Not Found",
        "status": 404,
        "detail": "Not Found",
    }


def test_schema_is_openapi_3() -> None:
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Emporium API"


def test_schema_documents_the_problem_statuses_every_operation_answers() -> None:
    """A bad token (401) and a malformed body (400) are documented wherever they can happen."""
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    undocumented = []
    for path, operations in response.json()["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            if {"bearerToken": []} in operation.get("security", []) and "401" not in codes:
                undocumented.append(f"{method.upper()} {path}: 401")
            if "requestBody" in operation and "400" not in codes:
                undocumented.append(f"{method.upper()} {path}: 400")
    assert undocumented == []


def test_swagger_ui_loads_its_assets_from_the_project() -> None:
    response = Client().get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
