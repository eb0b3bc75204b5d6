"""OpenAPI: the problem documents an endpoint answers (API.md, "Errors") and the shared headers.

``ApiSchema`` (``DEFAULT_SCHEMA_CLASS``) declares on every operation the headers that its view
class takes, so that no view repeats them and Swagger UI's "Try it out" offers them: ``X-Tenant``
on every tenant view, ``Idempotency-Key`` on the POSTs of an ``IdempotentCreateMixin`` view.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from emporium.infrastructure.http.idempotency import HEADER as IDEMPOTENCY_HEADER
from emporium.infrastructure.http.idempotency import IdempotentCreateMixin
from emporium.infrastructure.http.views import TenantAPIView

X_TENANT = OpenApiParameter(
    "X-Tenant",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The shop, by its slug (`acme`). Needed on a host that names no shop, such as "
        "`localhost` where these docs are served; a shop's own host (`acme.localhost`) names "
        "it and this header may be left out. A header naming another shop than the host is "
        "400, an unknown shop 404, a suspended one 403."
    ),
)
IDEMPOTENCY_KEY = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "1 to 255 visible ASCII characters, chosen by the client, per account. A retry with "
        "the same key and the same request gets the stored answer (2xx, 402, 422) instead of "
        "running again; the same key with another request is 422, and 409 while the first "
        "is still running. Keys are kept 24 hours."
    ),
)

_DESCRIPTIONS = {
    400: "Malformed JSON or invalid fields (`errors` names each field).",
    401: "No token, or an invalid or expired one.",
    402: "The payment was declined (`type` says why).",
    403: "The caller's role may not do this.",
    404: "No such object for this caller in this shop.",
    409: "A conflict with the current state that may pass later.",
    422: "A business rule refuses it (`type` names the rule).",
    429: "Throttled or locked out; `Retry-After` says when to try again.",
    503: "A dependency is unavailable; `Retry-After` says when to try again.",
}


def problem_responses(
    *statuses: int, descriptions: Mapping[int, str] | None = None
) -> dict[int, OpenApiResponse]:
    """Return the OpenAPI responses of ``statuses``, each a problem document."""
    own = descriptions or {}
    return {
        status: OpenApiResponse(description=own.get(status, _DESCRIPTIONS[status]))
        for status in statuses
    }


class ApiSchema(AutoSchema):
    """drf-spectacular's schema, plus the headers every view of a kind takes."""

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        if isinstance(self.view, TenantAPIView):
            parameters.append(X_TENANT)
        if isinstance(self.view, IdempotentCreateMixin) and self.method == "POST":
            parameters.append(IDEMPOTENCY_KEY)
        return parameters
