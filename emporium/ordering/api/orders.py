"""The orders API of API.md: place, list, read, cancel, fulfil, history."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.identity.public import ShopStaff, SignedIn, account_of, customer_scope
from emporium.infrastructure.http.fields import StrictIntegerField, TimestampField
from emporium.infrastructure.http.idempotency import IdempotentCreateMixin
from emporium.infrastructure.http.money import MoneyField
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.pagination import CursorPages
from emporium.infrastructure.http.views import TenantAPIView
from emporium.ordering import bootstrap
from emporium.ordering import models as rows
from emporium.ordering.adapters.queries import history, order_document, visible_orders
from emporium.ordering.application.use_cases import CancelOrder, FulfilOrder, PlaceOrder
from emporium.ordering.domain.address import MAX_FIELD_LENGTH, ShippingAddress, is_country_code
from emporium.ordering.domain.order import CancelReason, OrderStatus


class OrderItemSerializer(serializers.Serializer[dict[str, Any]]):
    product_id = serializers.UUIDField()
    quantity = StrictIntegerField(min_value=1, max_value=1_000_000)


class ShippingAddressSerializer(serializers.Serializer[dict[str, Any]]):
    """A postal address (API.md): every field 1 to 200 characters, ``line2`` may be empty."""

    name = serializers.CharField(max_length=MAX_FIELD_LENGTH, trim_whitespace=False)
    line1 = serializers.CharField(max_length=MAX_FIELD_LENGTH, trim_whitespace=False)
    line2 = serializers.CharField(
        max_length=MAX_FIELD_LENGTH, allow_blank=True, required=False, default=""
    )
    city = serializers.CharField(max_length=MAX_FIELD_LENGTH, trim_whitespace=False)
    postal_code = serializers.CharField(max_length=MAX_FIELD_LENGTH, trim_whitespace=False)
    country = serializers.CharField(
        min_length=2, max_length=2, help_text="ISO 3166-1 alpha-2, in capitals (DE, GB, US)."
    )

    def validate_country(self, value: str) -> str:
        if not is_country_code(value):
            raise ValidationError("An ISO 3166-1 alpha-2 code in capitals, such as DE.")
        return value


class PlaceOrderSerializer(serializers.Serializer[dict[str, Any]]):
    items = serializers.ListField(child=OrderItemSerializer(), allow_empty=False, max_length=200)
    shipping_address = ShippingAddressSerializer(
        required=False,
        allow_null=True,
        help_text="Where to ship the goods; none for goods that are not shipped.",
    )


class OrderLineDocument(serializers.Serializer[dict[str, Any]]):
    """A line as API.md shows it (documentation of the response)."""

    product_id = serializers.UUIDField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = MoneyField()
    line_total = MoneyField()


class FulfilmentDocument(serializers.Serializer[dict[str, Any]]):
    """Where the fulfilment service is with the order (documentation of the response)."""

    status = serializers.ChoiceField(choices=["requested", "shipped", "delivered"])
    carrier = serializers.CharField(allow_null=True)
    tracking_number = serializers.CharField(allow_null=True)
    shipped_at = TimestampField(allow_null=True)


class OrderDocument(serializers.Serializer[dict[str, Any]]):
    """An order as API.md shows it (documentation of the response)."""

    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=[s.value for s in OrderStatus])
    lines = OrderLineDocument(many=True)
    subtotal = MoneyField()
    tax = MoneyField()
    total = MoneyField()
    reserved_until = TimestampField(allow_null=True)
    payments = serializers.ListField(
        child=serializers.UUIDField(),
        help_text="The payment that paid the order (empty until paid); "
        "every attempt is in GET /api/v1/payments/?order=<id>.",
    )
    shipping_address = ShippingAddressSerializer(allow_null=True)
    fulfilment = FulfilmentDocument(allow_null=True)
    created_at = TimestampField()


class OrderEventDocument(serializers.Serializer[dict[str, Any]]):
    """An event of an order's history."""

    id = serializers.UUIDField()
    type = serializers.CharField()
    occurred_at = TimestampField()
    aggregate_version = serializers.IntegerField()
    payload = serializers.DictField()


class OrderPagination(CursorPages):
    """Pages of orders, newest first unless ``?ordering=created_at``."""

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        wanted = request.query_params.get("ordering", "-created_at")
        if wanted not in {"created_at", "-created_at"}:
            raise ValidationError({"ordering": ["Use created_at or -created_at."]})
        return (wanted, "id" if wanted == "created_at" else "-id")


class OrderViewBase(TenantAPIView):
    lookup_url_kwarg = "pk"

    def visible_order(self, request: Request, pk: UUID) -> rows.Order:
        """Return the order if this caller may see it (404 otherwise), then check the role."""
        order = visible_orders(customer_scope(request.user)).filter(pk=pk).first()
        if order is None:
            raise NotFound("No such order.")
        self.check_object_permissions(request, order)
        return order


class OrderListView(IdempotentCreateMixin, OrderViewBase):
    """List orders or place one."""

    permission_classes = [SignedIn]
    pagination_class = OrderPagination

    @extend_schema(
        operation_id="orders_list",
        responses={200: OrderDocument(many=True), **problem_responses(400, 401)},
        parameters=[
            OpenApiParameter("status", str, enum=[s.value for s in OrderStatus]),
            OpenApiParameter("ordering", str, enum=["created_at", "-created_at"]),
        ],
    )
    def get(self, request: Request) -> Response:
        orders = visible_orders(customer_scope(request.user))
        wanted = request.query_params.get("status")
        if wanted is not None:
            if wanted not in {s.value for s in OrderStatus}:
                raise ValidationError({"status": ["Unknown status."]})
            orders = orders.filter(status=wanted)
        pages = self.pagination_class()
        return Response(pages.body([order_document(row) for row in pages.rows(orders, request)]))

    @extend_schema(
        request=PlaceOrderSerializer,
        responses={201: OrderDocument, **problem_responses(400, 401, 409, 422)},
    )
    def post(self, request: Request) -> Response:
        data = PlaceOrderSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        items = [(item["product_id"], item["quantity"]) for item in data.validated_data["items"]]
        address = data.validated_data.get("shipping_address")
        order = bootstrap.place_order(
            PlaceOrder(
                account_of(request.user).pk,
                items,
                shipping_address=ShippingAddress.from_dict(address) if address else None,
            )
        )
        row = visible_orders(None).get(pk=order.id)
        return Response(order_document(row), status=status.HTTP_201_CREATED)


class OrderDetailView(OrderViewBase):
    """Read one order."""

    permission_classes = [SignedIn]

    @extend_schema(
        operation_id="orders_retrieve",
        responses={200: OrderDocument, **problem_responses(401, 404)},
    )
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(order_document(self.visible_order(request, pk)))


class CancelOrderView(OrderViewBase):
    """Cancel a confirmed order; its stock returns."""

    permission_classes = [SignedIn]

    @extend_schema(
        request=None, responses={200: OrderDocument, **problem_responses(401, 404, 409, 422)}
    )
    def post(self, request: Request, pk: UUID) -> Response:
        self.visible_order(request, pk)
        reason = CancelReason.CUSTOMER if customer_scope(request.user) else CancelReason.STAFF
        bootstrap.cancel_order(CancelOrder(pk, reason))
        return Response(order_document(visible_orders(None).get(pk=pk)))


class FulfilOrderView(OrderViewBase):
    """Mark a paid order fulfilled (staff)."""

    permission_classes = [ShopStaff]

    @extend_schema(
        request=None,
        responses={200: OrderDocument, **problem_responses(401, 403, 404, 409, 422)},
    )
    def post(self, request: Request, pk: UUID) -> Response:
        self.visible_order(request, pk)
        bootstrap.fulfil_order(FulfilOrder(pk))
        return Response(order_document(visible_orders(None).get(pk=pk)))


class OrderHistoryView(OrderViewBase):
    """The order's events, oldest first."""

    permission_classes = [SignedIn]

    @extend_schema(responses={200: OrderEventDocument(many=True), **problem_responses(401, 404)})
    def get(self, request: Request, pk: UUID) -> Response:
        self.visible_order(request, pk)
        return Response(history(pk))
