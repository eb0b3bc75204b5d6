"""Readiness names the dependency that fails; every log line carries the request id."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_readyz_names_an_unreachable_broker(settings) -> None:
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:1//"

    response = Client().get("/readyz")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["detail"] == "Unavailable: broker."
    assert body["checks"]["broker"] == "unavailable"
    assert body["checks"]["database"] == "ok"


def _json_console_handler() -> logging.Handler:
    handlers = [h for h in logging.getLogger().handlers if h.formatter is not None]
    return next(h for h in handlers if type(h.formatter).__name__ == "JsonFormatter")


@pytest.mark.urls("tests.e2e.problem_urls")
def test_log_lines_are_json_with_the_request_id() -> None:
    handler = _json_console_handler()
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        response = Client().get("/logged/", HTTP_X_REQUEST_ID="req-42")
    finally:
        handler.setStream(previous)

    assert response["X-Request-ID"] == "req-42"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    ours = [line for line in lines if line["logger"] == "tests.problem_urls"]
    assert ours == [
        {
            "time": ours[0]["time"],
            "level": "WARNING",
            "logger": "tests.problem_urls",
            "message": "inside the view",
            "request_id": "req-42",
            "tenant": "-",
        }
    ]


def test_unsafe_request_id_is_replaced() -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nforged-line")

    assert response["X-Request-ID"] != "bad id\nforged-line"
    assert len(response["X-Request-ID"]) == 32


@pytest.mark.urls("tests.e2e.problem_urls")
def test_log_lines_of_a_tenant_request_name_the_tenant(acme_and_globex) -> None:
    handler = _json_console_handler()
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        Client().get("/logged/", HTTP_HOST="globex.localhost")
    finally:
        handler.setStream(previous)

    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["tenant"] for line in lines if line["logger"] == "tests.problem_urls"] == [
        "globex"
    ]
