"""An exhausted database pool is overload: 503 with Retry-After, not a 500."""

from __future__ import annotations

import json

from django.db import OperationalError
from django.http import HttpResponse
from django.test import RequestFactory
from psycopg_pool import PoolTimeout

from emporium.infrastructure.http.problems import ApiProblemMiddleware


def raised_from(cause: Exception) -> OperationalError:
    """Return Django's OperationalError wrapping ``cause``, as its error wrapper raises it."""
    try:
        raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        return error


def answer(exception: Exception) -> HttpResponse | None:
    middleware = ApiProblemMiddleware(lambda request: HttpResponse())
    request = RequestFactory().post("/api/v1/orders/")
    return middleware.process_exception(request, exception)


def test_a_pool_timeout_is_503_with_retry_after() -> None:
    response = answer(raised_from(PoolTimeout("couldn't get a connection after 10.00 sec")))

    assert response is not None
    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert response["Retry-After"] == "1"
    assert json.loads(response.content) == {
        "type": "https://emporium.example/problems/service-unavailable",
        "title": "Service Unavailable",
        "status": 503,
        "detail": "The service is busy; try again shortly.",
    }


def test_any_other_database_error_stays_a_500() -> None:
    response = answer(raised_from(RuntimeError("connection reset")))

    assert response is not None
    assert response.status_code == 500
