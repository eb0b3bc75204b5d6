"""``POST /internal/events/``: the service's envelopes, pushed where no broker carries them."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from emporium.fulfilment.adapters import signing
from emporium.infrastructure.http.problems import PROBLEM_CONTENT_TYPE, problem_body
from emporium.infrastructure.messaging.inbox import (
    InactiveTenant,
    consume_once,
    consumer_registry,
)
from emporium.shared_kernel.events import EventEnvelope

logger = logging.getLogger(__name__)

#: An envelope is small; anything larger is not one of ours.
MAX_BODY_BYTES = 64 * 1024
#: Only the service's own events may come in this way.
SERVICE_CONTEXT = "fulfilment."


def _problem(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse(
        problem_body(status, detail, code=code), status=status, content_type=PROBLEM_CONTENT_TYPE
    )


# Signed by the service, not by a user: no CSRF, no session. Each consumer runs in its own
# transaction with its inbox row (consume_once), not in a request-wide one.
@csrf_exempt
@transaction.non_atomic_requests
@require_POST
def receive_event(request: HttpRequest) -> HttpResponse:
    """Apply one signed envelope of the fulfilment service, once per event id; 204."""
    length = request.headers.get("Content-Length") or "0"
    if not length.isascii() or not length.isdigit():
        return _problem(400, "Content-Length must be a number of bytes.", "malformed-request")
    if int(length) > MAX_BODY_BYTES:
        return _problem(413, "An envelope is at most 64 KiB.", "payload-too-large")
    body = request.body
    key = getattr(settings, "FULFILMENT_SERVICE_KEY", "")
    if not signing.verify(key, "POST", request.get_full_path(), body, request.headers):
        return _problem(401, "A valid service signature is required.", "not-authenticated")
    try:
        envelope = EventEnvelope.from_json(body)
    except (ValueError, KeyError, TypeError):
        return _problem(400, "The body is not an event envelope.", "invalid-envelope")
    if not envelope.type.startswith(SERVICE_CONTEXT):
        return _problem(422, f"{envelope.type} does not come from this service.", "unknown-type")
    if (request.headers.get(signing.TENANT_HEADER) or None) != envelope.tenant:
        return _problem(400, "X-Tenant must name the envelope's tenant.", "tenant-mismatch")
    try:
        for name, handler in consumer_registry().consumers_for(envelope.type):
            consume_once(name, envelope, handler)
    except InactiveTenant:
        return _problem(422, f"No active shop {envelope.tenant!r}.", "unknown-tenant")
    except (KeyError, ValueError, TypeError):
        logger.exception("Envelope %s has a payload that cannot be applied", envelope.id)
        return _problem(422, "The payload cannot be applied.", "invalid-payload")
    except Exception:  # the sender keeps the envelope and tries again
        logger.exception("Envelope %s could not be applied", envelope.id)
        return _problem(503, "Try again later.", "service-unavailable")
    return HttpResponse(status=204)
