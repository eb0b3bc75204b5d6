"""The HTTP API of ADR 0018: health, the tenant-scoped shipment read and the event push door."""

from __future__ import annotations

import logging
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_POST

from shipments.commands import InvalidPayload, UnknownEventType
from shipments.envelope import Envelope, UnreadableEnvelope, rfc3339
from shipments.inbox import apply_envelope
from shipments.models import Shipment
from shipments.problems import problem
from shipments.signing import verify

logger = logging.getLogger(__name__)


def _signed(request: HttpRequest) -> bool:
    return verify(
        settings.FULFILMENT_SERVICE_KEY,
        request.headers,
        request.method or "",
        request.get_full_path(),
        request.body,
    )


def _unsigned() -> JsonResponse:
    return problem(
        401,
        "invalid-signature",
        "Invalid signature",
        "The request is not signed with the link's key, or its timestamp is too far away.",
    )


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 while the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return problem(503, "service-unavailable", "Unavailable", "The database is unreachable.")
    return JsonResponse({"status": "ok"})


@require_GET
def shipment_detail(request: HttpRequest, order_id: str) -> JsonResponse:
    """Return the order's shipment in the caller's tenant, with its tracking history."""
    if not _signed(request):
        return _unsigned()
    tenant = request.headers.get("X-Tenant", "").strip()
    if not tenant:
        return problem(400, "tenant-required", "Tenant required", "Send the X-Tenant header.")
    try:
        order = UUID(order_id)
    except ValueError:
        return problem(400, "invalid-order-id", "Invalid order id", "An order id is a UUID.")
    shipment = Shipment.objects.filter(tenant=tenant, order_id=order).first()
    if shipment is None:
        return problem(
            404, "shipment-not-found", "Shipment not found", "This order has no shipment here."
        )
    return JsonResponse(_shipment_document(shipment))


def _shipment_document(shipment: Shipment) -> dict[str, object]:
    return {
        "order_id": str(shipment.order_id),
        "status": shipment.status,
        "carrier": shipment.carrier or None,
        "tracking_number": shipment.tracking_number,
        "shipped_at": rfc3339(shipment.shipped_at) if shipment.shipped_at else None,
        "events": [
            {
                "status": event.status,
                "occurred_at": rfc3339(event.occurred_at),
                "description": event.description,
            }
            for event in shipment.events.all()
        ],
    }


@require_POST
def push_event(request: HttpRequest) -> HttpResponse:
    """Apply one envelope pushed by Emporium (no broker); 204 once applied or already applied."""
    if not _signed(request):
        return _unsigned()
    try:
        envelope = Envelope.from_json(request.body)
    except UnreadableEnvelope as error:
        return problem(400, "invalid-envelope", "Invalid envelope", str(error))
    # The signed X-Tenant must name the envelope's own tenant; only a platform event (tenant
    # null) comes without one. Otherwise a request signed for one shop could carry another's.
    tenant = request.headers.get("X-Tenant", "") or None
    if tenant != envelope.tenant:
        return problem(
            400,
            "tenant-mismatch",
            "Tenant mismatch",
            "X-Tenant must name the envelope's tenant (no header only for a platform event).",
        )
    try:
        apply_envelope(envelope)
    except UnknownEventType:
        return problem(
            422,
            "unknown-event-type",
            "Unknown event type",
            f"The service does not consume {envelope.type!r}.",
        )
    except InvalidPayload as error:
        # A readable envelope whose payload the service cannot apply: sending it again won't help.
        return problem(422, "invalid-payload", "Invalid payload", str(error))
    except UnreadableEnvelope as error:
        return problem(400, "invalid-envelope", "Invalid envelope", str(error))
    except (OperationalError, InterfaceError):
        # Nothing was applied: the sender keeps the envelope and tries again.
        logger.exception("The database is unavailable; %s not applied", envelope.id)
        return problem(503, "service-unavailable", "Unavailable", "The database is unreachable.")
    return HttpResponse(status=204)
