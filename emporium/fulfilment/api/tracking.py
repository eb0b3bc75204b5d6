"""``GET /api/v1/orders/{id}/tracking/``: the live shipment of an order, from the service."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.fulfilment import bootstrap
from emporium.fulfilment.application.track_shipment import TrackShipment
from emporium.fulfilment.domain.tracking import SHIPMENT_STATUSES, Tracking
from emporium.identity.public import SignedIn, customer_scope
from emporium.infrastructure.http.fields import TimestampField, optional_timestamp, timestamp
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.views import TenantAPIView
from emporium.multitenancy.context import require_tenant


class TrackingEventDocument(serializers.Serializer[dict[str, Any]]):
    """A step of the shipment's journey."""

    status = serializers.CharField()
    occurred_at = TimestampField()
    description = serializers.CharField(allow_blank=True)


class TrackingDocument(serializers.Serializer[dict[str, Any]]):
    """The shipment as the fulfilment service reports it now (documentation of the response)."""

    status = serializers.CharField(
        help_text=f"One of {', '.join(SHIPMENT_STATUSES)}; a later status is passed on as is."
    )
    carrier = serializers.CharField(allow_null=True, help_text="null until shipped.")
    tracking_number = serializers.CharField(allow_null=True, help_text="null until shipped.")
    shipped_at = TimestampField(allow_null=True)
    events = TrackingEventDocument(many=True, help_text="Oldest first, as the service lists them.")


def tracking_document(tracking: Tracking) -> dict[str, Any]:
    """Return the shipment as the endpoint shows it."""
    return {
        "status": tracking.status,
        "carrier": tracking.carrier,
        "tracking_number": tracking.tracking_number,
        "shipped_at": optional_timestamp(tracking.shipped_at),
        "events": [
            {
                "status": event.status,
                "occurred_at": timestamp(event.occurred_at),
                "description": event.description,
            }
            for event in tracking.events
        ],
    }


class OrderTrackingView(TenantAPIView):
    """The shipment of an order: the customer who placed it, or the shop's staff."""

    permission_classes = [SignedIn]

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        """Return the view function outside ``ATOMIC_REQUESTS``.

        The call to the service may take seconds (timeouts, retries): no transaction is held
        open across it. The checks and the order's read take transactions of their own.
        """
        return transaction.non_atomic_requests(super().as_view(**initkwargs))

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # On PostgreSQL a token is found only inside a transaction (RLS). A refusal is raised
        # after the block, so that what it recorded (a denial's audit row) is committed.
        refusal: APIException | None = None
        with transaction.atomic():
            try:
                super().initial(request, *args, **kwargs)
            except APIException as exc:
                refusal = exc
        if refusal is not None:
            raise refusal

    @extend_schema(
        operation_id="orders_tracking",
        responses={
            200: TrackingDocument,
            **problem_responses(
                401,
                404,
                503,
                descriptions={
                    404: "No such order for this caller (`not-found`), or the fulfilment "
                    "service has no shipment for it yet (`shipment-not-found`).",
                    503: "The fulfilment service is down or its breaker is open "
                    "(`service-unavailable`); `Retry-After` is the cooldown left.",
                },
            ),
        },
    )
    def get(self, request: Request, pk: UUID) -> Response:
        tenant = require_tenant()
        command = TrackShipment(tenant.slug, pk, customer_scope(request.user))
        return Response(tracking_document(bootstrap.track_shipment(command)))
