"""Resolve the request's tenant and keep it current for exactly the length of the request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from emporium.infrastructure.http.problems import problem_response
from emporium.multitenancy.context import tenant_context
from emporium.tenancy.adapters.resolution import TenantResolutionError, resolve_tenant


class TenantMiddleware:
    """Set the tenant from host or ``X-Tenant`` (API.md); answer 400/403/404 problems."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            tenant = resolve_tenant(request.get_host(), request.headers.get("X-Tenant"))
        except TenantResolutionError as exc:
            return problem_response(exc.status, str(exc), code=exc.code)
        request.tenant = tenant  # type: ignore[attr-defined]
        # The context manager resets the tenant even when the view raises.
        with tenant_context(tenant):
            return self.get_response(request)
