"""The base of every tenant API view: a tenant is required."""

from __future__ import annotations

from typing import Any

from django.utils.cache import patch_vary_headers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from emporium.infrastructure.http.throttles import UserWriteThrottle
from emporium.multitenancy.context import current_tenant


class TenantAPIView(APIView):
    """An endpoint under a tenant (API.md: "all under a tenant unless marked")."""

    throttle_classes = [UserWriteThrottle]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        if current_tenant() is None:
            raise NotFound("Name a shop by its host or the X-Tenant header.")
        super().initial(request, *args, **kwargs)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        # Responses differ by token: no shared cache may serve one caller's answer to another.
        patch_vary_headers(response, ["Authorization"])
        return super().finalize_response(request, response, *args, **kwargs)
