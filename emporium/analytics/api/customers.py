"""Customer summaries: a customer's own at /me/summary/, any customer's for the shop's staff."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.analytics import bootstrap
from emporium.identity.public import ShopStaff, SignedIn, account_cards, account_of
from emporium.infrastructure.http.fields import TimestampField, optional_timestamp
from emporium.infrastructure.http.money import MoneyField
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.views import TenantAPIView

#: Set to "true" when the summary may miss the caller's latest events (the wait ran out).
LAG_HEADER = "Projection-Lag"


class CustomerSummaryDocument(serializers.Serializer[dict[str, Any]]):
    """A customer's orders and payments in figures (documentation of the response)."""

    orders = serializers.IntegerField(help_text="Orders placed, cancelled ones included.")
    paid_total = serializers.ListField(
        child=MoneyField(),
        help_text="Per currency the customer ever paid in: payments less refunds.",
    )
    first_order_at = TimestampField(allow_null=True)
    last_order_at = TimestampField(allow_null=True)


def _summary(customer_id: UUID) -> Response:
    read = bootstrap.customer_summary(str(customer_id))
    summary = read.summary
    response = Response(
        {
            "orders": summary.orders,
            "paid_total": [money.to_dict() for money in summary.paid_total],
            "first_order_at": optional_timestamp(summary.first_order_at),
            "last_order_at": optional_timestamp(summary.last_order_at),
        }
    )
    if read.lagging:
        response[LAG_HEADER] = "true"
    return response


_LAG = OpenApiResponse(
    CustomerSummaryDocument,
    description="The summary; it includes every order event committed before the request, "
    f"unless the wait for it ran out, which `{LAG_HEADER}: true` says.",
)


class MySummaryView(TenantAPIView):
    """The signed-in account's own summary; it waits up to 2 s for its latest writes."""

    permission_classes = [SignedIn]

    @extend_schema(operation_id="me_summary", responses={200: _LAG, **problem_responses(401)})
    def get(self, request: Request) -> Response:
        return _summary(account_of(request.user).pk)


class CustomerSummaryView(TenantAPIView):
    """Any account's summary, for the shop's owners and staff; ``pk`` is its account id."""

    permission_classes = [ShopStaff]

    @extend_schema(
        operation_id="customers_summary",
        responses={200: _LAG, **problem_responses(401, 403, 404)},
    )
    def get(self, request: Request, pk: UUID) -> Response:
        card = account_cards([pk]).get(pk)
        if card is None:
            raise NotFound("No such customer.")
        self.check_object_permissions(request, card)
        return _summary(pk)
