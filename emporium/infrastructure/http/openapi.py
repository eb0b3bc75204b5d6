"""OpenAPI descriptions of the problem documents an endpoint answers (API.md, "Errors")."""

from __future__ import annotations

from collections.abc import Mapping

from drf_spectacular.utils import OpenApiResponse

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
