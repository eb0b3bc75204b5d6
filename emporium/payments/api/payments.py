"""The payments API of API.md: pay an order, refund a payment, list and read payments."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.identity.public import (
    ShopStaff,
    SignedIn,
    account_of,
    customer_scope,
    manages_shop,
)
from emporium.infrastructure.http.fields import StrictBooleanField, TimestampField, timestamp
from emporium.infrastructure.http.idempotency import IdempotentCreateMixin
from emporium.infrastructure.http.money import MoneyField
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.pagination import CursorPages
from emporium.infrastructure.http.views import TenantAPIView
from emporium.ordering import public as ordering
from emporium.payments import bootstrap
from emporium.payments.adapters.queries import payment_document, visible_payments
from emporium.payments.application.pay_order import PayOrder
from emporium.payments.application.refund_payment import RefundPayment
from emporium.payments.domain.payment import PaymentStatus


class PayOrderSerializer(serializers.Serializer[dict[str, Any]]):
    """``{"method": "card", ...}``: the other fields belong to the method (card: number etc.)."""

    method = serializers.CharField(max_length=40)
    card_number = serializers.CharField(required=False, write_only=True)
    exp_month = serializers.IntegerField(required=False)
    exp_year = serializers.IntegerField(required=False)
    cvc = serializers.CharField(required=False, write_only=True)


class RefundSerializer(serializers.Serializer[dict[str, Any]]):
    amount = MoneyField(required=False, help_text="What to refund; all that is left if absent.")
    restock = StrictBooleanField(
        required=False,
        default=False,
        help_text="Put the order's units back on sale; only with the refund of all that is left.",
    )


class PaymentRefundDocument(serializers.Serializer[dict[str, Any]]):
    """One refund of a payment."""

    id = serializers.UUIDField()
    amount = MoneyField()
    created_at = TimestampField()


class PaymentDocument(serializers.Serializer[dict[str, Any]]):
    """A payment as API.md shows it (documentation of the response)."""

    id = serializers.UUIDField()
    order_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=[s.value for s in PaymentStatus])
    method = serializers.CharField()
    amount = MoneyField()
    brand = serializers.CharField()
    last4 = serializers.CharField()
    refunded_amount = MoneyField()
    refunds = PaymentRefundDocument(many=True)
    created_at = TimestampField()


class RefundDocument(serializers.Serializer[dict[str, Any]]):
    """A refund: its amount and the payment after it."""

    id = serializers.UUIDField()
    payment_id = serializers.UUIDField()
    amount = MoneyField()
    created_at = TimestampField()
    payment = PaymentDocument()


class PayOrderView(IdempotentCreateMixin, TenantAPIView):
    """Pay a confirmed order's total (its customer only)."""

    permission_classes = [SignedIn]
    lookup_url_kwarg = "pk"

    @extend_schema(
        request=PayOrderSerializer,
        responses={
            201: PaymentDocument,
            **problem_responses(400, 401, 403, 404),
            402: OpenApiResponse(description="Declined: card-declined or insufficient-funds."),
            409: OpenApiResponse(description="Another payment of the order is in flight."),
            422: OpenApiResponse(description="Order not confirmed, or method not enabled."),
            503: OpenApiResponse(description="Provider unavailable; nothing captured."),
        },
    )
    def post(self, request: Request, pk: UUID) -> Response:
        account = account_of(request.user)
        # The order of checks: someone else's order is 404 (403 for the shop's staff) before
        # the body is read, and before the use case's lock could tell a stranger it is in flight.
        customer = ordering.order_customer(pk)
        if customer is None or (customer != account.pk and not manages_shop(account)):
            raise NotFound("No such order.")
        if customer != account.pk:
            raise PermissionDenied("Only the order's customer may pay it.")
        body = PayOrderSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment = bootstrap.pay_order(
            PayOrder(
                order_id=pk,
                payer_id=account.pk,
                payer_manages_shop=manages_shop(account),
                method=body.validated_data["method"],
                data=dict(request.data),  # the raw fields: the provider validates its own
            )
        )
        row = visible_payments(None).get(pk=payment.id)
        return Response(payment_document(row), status=status.HTTP_201_CREATED)


class RefundPaymentView(IdempotentCreateMixin, TenantAPIView):
    """Refund part or all of a captured payment (staff)."""

    permission_classes = [ShopStaff]
    lookup_url_kwarg = "pk"

    @extend_schema(
        request=RefundSerializer,
        responses={201: RefundDocument, **problem_responses(400, 401, 403, 404, 422, 503)},
    )
    def post(self, request: Request, pk: UUID) -> Response:
        row = visible_payments(customer_scope(request.user)).filter(pk=pk).first()
        if row is None:
            raise NotFound("No such payment.")
        self.check_object_permissions(request, row)
        body = RefundSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        refund = bootstrap.refund_payment(
            RefundPayment(pk, data.get("amount"), restock=data["restock"]),
            by=account_of(request.user).pk,
        )
        document = {
            "id": str(refund.id),
            "payment_id": str(pk),
            "amount": refund.amount.to_dict(),
            "created_at": timestamp(refund.at),
            "payment": payment_document(visible_payments(None).get(pk=pk)),
        }
        return Response(document, status=status.HTTP_201_CREATED)


class PaymentPagination(CursorPages):
    """Pages of payments, newest first."""

    ordering = ("-created_at", "-id")


class PaymentFilters(serializers.Serializer[dict[str, Any]]):
    """The list's query parameters."""

    order = serializers.UUIDField(required=False)
    status = serializers.ChoiceField(choices=[s.value for s in PaymentStatus], required=False)


class PaymentListView(TenantAPIView):
    """The shop's payments (staff), or the caller's own (customers), newest first."""

    permission_classes = [SignedIn]
    pagination_class = PaymentPagination

    @extend_schema(
        operation_id="payments_list",
        responses={200: PaymentDocument(many=True), **problem_responses(400, 401)},
        parameters=[
            OpenApiParameter("order", OpenApiTypes.UUID, description="Only this order's."),
            OpenApiParameter("status", str, enum=[s.value for s in PaymentStatus]),
        ],
    )
    def get(self, request: Request) -> Response:
        payments = visible_payments(customer_scope(request.user))
        filters = PaymentFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        if (order := filters.validated_data.get("order")) is not None:
            payments = payments.filter(order_id=order)
        if (wanted := filters.validated_data.get("status")) is not None:
            payments = payments.filter(status=wanted)
        pages = self.pagination_class()
        return Response(
            pages.body([payment_document(row) for row in pages.rows(payments, request)])
        )


class PaymentDetailView(TenantAPIView):
    """Read one payment: any of the shop's (staff), or one of the caller's own (customers)."""

    permission_classes = [SignedIn]

    @extend_schema(
        operation_id="payments_retrieve",
        responses={200: PaymentDocument, **problem_responses(401, 404)},
    )
    def get(self, request: Request, pk: UUID) -> Response:
        row = visible_payments(customer_scope(request.user)).filter(pk=pk).first()
        if row is None:
            raise NotFound("No such payment.")
        return Response(payment_document(row))
