"""django-axes glue: lock out a (tenant, e-mail) pair, never an IP address alone; answer 429."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from emporium.identity.models import normalize_email
from emporium.infrastructure.http.problems import problem_response
from emporium.multitenancy.context import current_tenant


def lockout_key(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """Return the key failures are counted under: ``<tenant slug or ->:<e-mail>``."""
    credentials = credentials or {}
    email = credentials.get("email") or credentials.get("username") or ""
    tenant = current_tenant()
    return f"{tenant.slug if tenant else '-'}:{normalize_email(str(email))}"


def retry_after_seconds(key: str) -> int:
    """Return the seconds until the lockout of ``key`` ends (the whole cool-off if unknown)."""
    cool_off: timedelta = settings.AXES_COOLOFF_TIME
    attempt = AccessAttempt.objects.filter(username=key).order_by("-attempt_time").first()
    if attempt is None:
        return math.ceil(cool_off.total_seconds())
    remaining: timedelta = attempt.attempt_time + cool_off - timezone.now()
    return max(1, math.ceil(remaining.total_seconds()))


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """Answer a locked-out sign-in (back office or API) with 429 and ``Retry-After``."""
    seconds = retry_after_seconds(lockout_key(request, credentials))
    return problem_response(
        429,
        "Too many failed sign-ins for this account. Try again later.",
        code="locked-out",
        headers={"Retry-After": str(seconds)},
    )
