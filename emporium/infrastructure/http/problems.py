"""Every error under ``/api/`` as ``application/problem+json`` (RFC 9457), never HTML.

Two layers do it: DRF's exception handler for errors raised in API views, and a middleware
that rewrites whatever else reaches an ``/api/`` client (Django's 404 for an unknown URL, a
CSRF failure, an unhandled exception) into the same shape, with no stack trace.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from psycopg_pool import PoolTimeout
from rest_framework import exceptions as drf
from rest_framework.response import Response

from emporium.shared_kernel import errors

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://emporium.example/problems/"

_DOMAIN_STATUS: dict[type[errors.DomainError], int] = {
    errors.InvalidInput: 400,
    errors.NotFound: 404,
    errors.Forbidden: 403,
    errors.Conflict: 409,
    errors.BusinessRuleViolation: 422,
    errors.PaymentRequired: 402,
    errors.DependencyUnavailable: 503,
}

_DEFAULT_CODE = {
    400: "malformed-request",
    401: "not-authenticated",
    403: "permission-denied",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "business-rule-violated",
    429: "throttled",
    500: "server-error",
    503: "service-unavailable",
}


def problem_body(
    status: int,
    detail: str,
    *,
    code: str | None = None,
    title: str | None = None,
    field_errors: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """Return the problem document for ``status``."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (code or _DEFAULT_CODE.get(status, "error")),
        "title": title or HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if field_errors:
        body["errors"] = {field: list(messages) for field, messages in field_errors.items()}
    return body


def problem_response(status: int, detail: str, **kwargs: Any) -> HttpResponse:
    """Return a plain Django response carrying a problem document."""
    headers = kwargs.pop("headers", None)
    body = problem_body(status, detail, **kwargs)
    return HttpResponse(
        json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers
    )


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into ``{"field.sub": ["message"]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            flat.update(_flatten(value, name))
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}[{index}]" if prefix else f"[{index}]"))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def _drf_problem(exc: drf.APIException) -> tuple[int, dict[str, Any], dict[str, str]]:
    status = exc.status_code
    headers: dict[str, str] = {}
    if isinstance(exc, drf.ValidationError):
        return (
            status,
            problem_body(
                status,
                "The request has invalid fields.",
                code="validation-error",
                field_errors=_flatten(exc.detail),
            ),
            headers,
        )
    wait = getattr(exc, "wait", None) if isinstance(exc, drf.Throttled) else None
    if wait is not None:
        headers["Retry-After"] = str(max(1, math.ceil(wait)))
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    code = getattr(exc, "problem_code", None)
    return status, problem_body(status, str(detail), code=code), headers


def _domain_problem(exc: errors.DomainError) -> tuple[int, dict[str, Any], dict[str, str]]:
    status = next((s for cls, s in _DOMAIN_STATUS.items() if isinstance(exc, cls)), 422)
    headers: dict[str, str] = {}
    field_errors = exc.errors if isinstance(exc, errors.InvalidInput) else None
    if isinstance(exc, errors.DependencyUnavailable):
        headers["Retry-After"] = str(exc.retry_after)
    body = problem_body(
        status, exc.detail, code=exc.code, title=exc.title, field_errors=field_errors
    )
    return status, body, headers


class PayloadTooLarge(drf.APIException):
    """The body is larger than Django lets a request body be read (413)."""

    status_code = 413
    default_detail = "The request body is too large."
    problem_code = "payload-too-large"


def problem_exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF exception handler: map every known exception to a problem response."""
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge()

    if isinstance(exc, errors.DomainError):
        status, body, headers = _domain_problem(exc)
    elif isinstance(exc, drf.APIException):
        status, body, headers = _drf_problem(exc)
        auth_header = getattr(exc, "auth_header", None)
        if auth_header:
            headers["WWW-Authenticate"] = auth_header
    else:
        return None  # unexpected: ApiProblemMiddleware logs it and answers 500
    response = Response(body, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)
    return response


def is_pool_exhausted(exception: BaseException) -> bool:
    """Return whether ``exception`` is the database pool's timeout waiting for a connection."""
    return isinstance(exception, OperationalError) and isinstance(exception.__cause__, PoolTimeout)


def is_api_path(path: str) -> bool:
    """Return whether ``path`` belongs to the JSON API (and so gets problem documents)."""
    return path.startswith("/api/")


class ApiProblemMiddleware:
    """Answer every failing ``/api/`` request with a problem document, whatever raised it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api_path(request.path) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            return response
        status = response.status_code
        detail = "An unexpected error occurred." if status >= 500 else HTTPStatus(status).phrase
        replacement = problem_response(status, detail)
        for header in ("Allow", "Retry-After", "WWW-Authenticate", "X-Request-ID"):
            if header in response:
                replacement[header] = response[header]
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Turn an exception escaping an ``/api/`` view into a problem document."""
        if not is_api_path(request.path):
            return None
        if isinstance(exception, errors.DomainError):
            status, body, headers = _domain_problem(exception)
            return HttpResponse(
                json.dumps(body), status=status, content_type=PROBLEM_CONTENT_TYPE, headers=headers
            )
        if isinstance(exception, Http404):
            return problem_response(404, "Not Found")
        if is_pool_exhausted(exception):
            # Overload, not a fault: every pooled connection stayed busy for the pool's timeout.
            logger.warning("no database connection free for %s %s", request.method, request.path)
            return problem_response(
                503, "The service is busy; try again shortly.", headers={"Retry-After": "1"}
            )
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return problem_response(500, "An unexpected error occurred.")
