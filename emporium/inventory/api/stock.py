"""``GET/PUT /api/v1/products/{id}/stock/``: a product's stock (staff)."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.catalog.public import product_status
from emporium.identity.public import ShopStaff, manages_shop
from emporium.infrastructure.http.fields import StrictIntegerField
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.views import TenantAPIView
from emporium.inventory import bootstrap
from emporium.inventory.adapters.queries import stock_document, stock_levels
from emporium.inventory.application.use_cases import SetStock


class StockView(TenantAPIView):
    """Read or count a product's stock."""

    permission_classes = [ShopStaff]
    lookup_url_kwarg = "product_id"

    class StockSerializer(serializers.Serializer[dict[str, int]]):
        on_hand = serializers.IntegerField()
        reserved = serializers.IntegerField()
        available = serializers.IntegerField()

    class SetStockSerializer(serializers.Serializer[dict[str, int]]):
        on_hand = StrictIntegerField(min_value=0, max_value=1_000_000_000)
        expected_on_hand = StrictIntegerField(min_value=0, required=False)

    def _visible_product(self, request: Request, product_id: UUID) -> None:
        status = product_status(product_id)
        # A draft or archived product does not exist for a customer: 404 before 403.
        if status is None or (status != "published" and not manages_shop(request.user)):
            raise NotFound("No such product.")
        self.check_object_permissions(request, None)

    @extend_schema(responses={200: StockSerializer, **problem_responses(401, 403, 404)})
    def get(self, request: Request, product_id: UUID) -> Response:
        self._visible_product(request, product_id)
        return Response(self.StockSerializer(stock_levels(product_id)).data)

    @extend_schema(
        request=SetStockSerializer,
        responses={200: StockSerializer, **problem_responses(400, 401, 403, 404, 409)},
    )
    def put(self, request: Request, product_id: UUID) -> Response:
        self._visible_product(request, product_id)
        data = self.SetStockSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = bootstrap.count_stock(
            SetStock(
                product_id,
                data.validated_data["on_hand"],
                data.validated_data.get("expected_on_hand"),
            )
        )
        return Response(self.StockSerializer(stock_document(item.on_hand, item.reserved)).data)
