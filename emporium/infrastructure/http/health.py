"""Liveness and readiness endpoints: ``/healthz`` and ``/readyz``."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from emporium.infrastructure.http.problems import PROBLEM_CONTENT_TYPE, problem_body

logger = logging.getLogger(__name__)


def check_database() -> None:
    """Run a trivial query on the application's connection."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    """Write and read back a throwaway key."""
    cache = caches["platform"]  # readiness belongs to no tenant
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was written")
    cache.delete(key)


def check_broker() -> None:
    """Open (and close) a connection to the message broker."""
    from kombu.connection import Connection

    broker = Connection(settings.CELERY_BROKER_URL, connect_timeout=2)  # type: ignore[no-untyped-call]
    with broker as connection:
        connection.ensure_connection(max_retries=1, timeout=2)


#: Parts the platform can work without for a while (API.md: a fulfilment service, a replica):
#: each returns whether it answers; one that does not is reported as degraded, never as a 503.
_optional_checks: dict[str, Callable[[], bool]] = {}


def register_optional_check(name: str, check: Callable[[], bool]) -> None:
    """Report ``name`` under ``degraded`` in /readyz whenever ``check()`` is not True."""
    _optional_checks[name] = check


def degraded_parts() -> list[str]:
    """Return the optional parts that do not answer now, by name."""
    degraded = []
    for name, check in _optional_checks.items():
        try:
            healthy = check()
        except Exception as exc:  # noqa: BLE001 - a check that fails says "degraded"
            logger.warning("optional check %s failed: %s", name, type(exc).__name__)
            healthy = False
        if not healthy:
            degraded.append(name)
    return degraded


def configured_checks() -> dict[str, Callable[[], None]]:
    """Return the checks of every dependency this deployment is configured to use."""
    checks: dict[str, Callable[[], None]] = {"database": check_database}
    if settings.REDIS_URL:
        checks["cache"] = check_cache
    if settings.CELERY_BROKER_URL:
        checks["broker"] = check_broker
    return checks


# Neither view belongs in the request transaction: healthz touches no database, and readyz
# checks it on its own (a pooled connection is not checked out for nothing).
@transaction.non_atomic_requests
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Answer 200 while the process is alive."""
    return JsonResponse({"status": "ok"})


@transaction.non_atomic_requests
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Answer 200 when every configured dependency answers, else 503 naming the ones that don't."""
    results: dict[str, str] = {}
    for name, check in configured_checks().items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
            logger.warning("readiness check %s failed: %s", name, type(exc).__name__)
            results[name] = "unavailable"
    failed = [name for name, outcome in results.items() if outcome != "ok"]
    if not failed:
        return JsonResponse({"status": "ready", "checks": results, "degraded": degraded_parts()})
    body = problem_body(503, f"Unavailable: {', '.join(failed)}.", code="dependency-unavailable")
    body["checks"] = results
    return JsonResponse(
        body, status=503, content_type=PROBLEM_CONTENT_TYPE, headers={"Retry-After": "5"}
    )
