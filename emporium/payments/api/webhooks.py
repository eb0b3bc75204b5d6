"""``POST /api/v1/webhooks/payments/{provider}/``: signed events from payment providers.

The provider calls it, not a user: there is no bearer token, and the event's authenticity
comes from its signature alone (see ``emporium.payments.adapters.webhooks``).
"""

from __future__ import annotations

import time
from typing import Any

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import APIException, NotFound
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.identity.public import audit
from emporium.infrastructure.http.throttles import WebhookThrottle
from emporium.infrastructure.http.views import TenantAPIView
from emporium.payments import bootstrap
from emporium.payments.adapters import webhooks
from emporium.payments.adapters.registry import providers
from emporium.payments.application.apply_webhook import REFUNDED, ApplyWebhook
from emporium.tenancy.public import webhook_secret


class WebhookSignatureInvalid(APIException):
    status_code = 401
    default_detail = "The webhook signature is missing, malformed, wrong or expired."
    problem_code = "invalid-signature"
    auth_header = "Signature"


# An event as a provider sends it (documentation of the request; "data" is a reserved name
# on a serializer class).
WebhookEventSerializer = inline_serializer(
    name="WebhookEvent",
    fields={
        "id": serializers.CharField(max_length=200),
        "type": serializers.CharField(max_length=100),
        "data": serializers.DictField(),
    },
)


class WebhookAnswerSerializer(serializers.Serializer[dict[str, Any]]):
    """What became of the event."""

    id = serializers.CharField()
    type = serializers.CharField()
    status = serializers.ChoiceField(choices=["applied", "duplicate", "ignored"])


class PaymentWebhookView(TenantAPIView):
    """Apply a provider's signed event once (refund made at the provider, capture confirmed)."""

    authentication_classes: list[type[BaseAuthentication]] = []
    permission_classes: list[type[BasePermission]] = [AllowAny]
    throttle_classes = [WebhookThrottle]  # per IP: before the signature is checked or audited

    @extend_schema(
        request=WebhookEventSerializer,
        parameters=[
            OpenApiParameter(
                "X-Signature",
                location=OpenApiParameter.HEADER,
                required=True,
                description='t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">',
            )
        ],
        responses={
            200: WebhookAnswerSerializer,
            400: OpenApiResponse(description="A verified body that is not a valid event."),
            401: OpenApiResponse(description="Missing, malformed, wrong or stale signature."),
            404: OpenApiResponse(description="Unknown provider or transaction."),
            422: OpenApiResponse(description="Refund above the capture, or capture mismatch."),
        },
    )
    def post(self, request: Request, provider: str) -> Response:
        if provider not in providers():
            raise NotFound("No such payment provider.")
        body: bytes = request.body  # the raw bytes: the signature covers them exactly
        try:
            webhooks.verify(request.headers.get("X-Signature"), body, webhook_secret(), time.time())
        except webhooks.InvalidSignature as exc:
            # Answered, not rolled back: the entry stays (the handler answers inside the request).
            audit.record(
                audit.WEBHOOK_SIGNATURE_FAILED, request=request, provider=provider, reason=str(exc)
            )
            raise WebhookSignatureInvalid(str(exc)) from None
        event = webhooks.parse_event(body)
        outcome = bootstrap.apply_provider_event(ApplyWebhook(provider, event))
        if outcome == "applied" and event.type == REFUNDED:
            amount = event.data.get("amount")
            audit.record(
                audit.REFUND_CREATED,
                request=request,
                via="webhook",
                provider=provider,
                event_id=event.id,
                amount=amount if isinstance(amount, dict) else None,
            )
        return Response({"id": event.id, "type": event.type, "status": outcome})
