"""Every error under /api/ is application/problem+json, with no stack trace."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.e2e.problem_urls")]

PROBLEM = "application/problem+json"
BASE = "https://emporium.example/problems/"


def client() -> Client:
    return Client(raise_request_exception=False)


def test_malformed_json_is_400() -> None:
    response = client().post("/api/echo/", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == BASE + "malformed-request"
    assert body["status"] == 400
    assert body["title"] == "Bad Request"
    assert body["detail"].startswith("JSON parse error")


def test_json_nested_too_deeply_to_decode_is_400_not_500() -> None:
    response = client().post("/api/echo/", data="[" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["type"] == BASE + "malformed-request"
    assert body["detail"].startswith("JSON parse error")


def test_a_body_over_the_upload_limit_is_413_not_500(settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = '{"name": "' + "x" * 2_000 + '"}'

    response = client().post("/api/echo/", data=body, content_type="application/json")

    assert response.status_code == 413
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": BASE + "payload-too-large",
        "title": "Request Entity Too Large",
        "status": 413,
        "detail": "The request body is too large.",
    }


def test_field_errors_are_listed_per_field() -> None:
    response = client().post(
        "/api/echo/", data={"name": "too long", "count": 0}, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "type": BASE + "validation-error",
        "title": "Bad Request",
        "status": 400,
        "detail": "The request has invalid fields.",
        "errors": {
            "name": ["Ensure this field has no more than 5 characters."],
            "count": ["Ensure this value is greater than or equal to 1."],
        },
    }


def test_domain_conflict_is_409_with_its_own_type() -> None:
    response = client().post("/api/conflict/")

    assert response.status_code == 409
    assert response.json() == {
        "type": BASE + "insufficient-stock",
        "title": "Conflict",
        "status": 409,
        "detail": "Only 2 units of Mug are available.",
    }


def test_unavailable_dependency_is_503_with_retry_after() -> None:
    response = client().post("/api/unavailable/")

    assert response.status_code == 503
    assert response["Retry-After"] == "12"
    assert response.json()["type"] == BASE + "service-unavailable"


def test_wrong_method_is_405_problem() -> None:
    response = client().get("/api/echo/")

    assert response.status_code == 405
    assert response["Content-Type"] == PROBLEM
    assert response.json()["type"] == BASE + "method-not-allowed"
    assert response["Allow"] == "POST, OPTIONS"


def test_unsupported_media_type_is_415_problem() -> None:
    response = client().post("/api/echo/", data="name=a", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["type"] == BASE + "unsupported-media-type"


@pytest.mark.parametrize("path", ["/api/crash/", "/api/plain-crash/"])
def test_unhandled_error_is_500_problem_without_internals(path: str, settings) -> None:
    settings.DEBUG = True  # even the debug page must not leak under /api/

    response = client().get(path)

    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM
    assert response.json() == {
        "type": BASE + "server-error",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "An unexpected error occurred.",
    }
    assert b"secret" not in response.content


def test_csrf_failure_on_api_is_403_problem() -> None:
    enforcing = Client(enforce_csrf_checks=True)

    response = enforcing.post("/api/plain-crash/")

    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM
