"""``/api/v1/products/``: list, create, read, change, delete, publish and archive products."""

from __future__ import annotations

from uuid import UUID

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.catalog import bootstrap
from emporium.catalog.adapters import queries
from emporium.catalog.api.access import CatalogView
from emporium.catalog.api.serializers import (
    ProductChangeInputSerializer,
    ProductCreateInputSerializer,
    ProductFilterSerializer,
    ProductPageSerializer,
    ProductSerializer,
    problems,
)
from emporium.catalog.application.use_cases import (
    ArchiveProduct,
    ChangeProduct,
    CreateProduct,
    DeleteProduct,
    PublishProduct,
)
from emporium.catalog.domain.product import UNCHANGED, ProductStatus
from emporium.identity.public import manages_shop
from emporium.infrastructure.http.idempotency import IdempotentCreateMixin
from emporium.infrastructure.http.pagination import ByNamePagination
from emporium.tenancy.public import shop_currency

LIST_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description="Text in the name or description, any case and any accents "
        '("creme brulee" finds "Crème Brûlée").',
    ),
    OpenApiParameter(
        "category", OpenApiTypes.UUID, description="This category and those below it."
    ),
    OpenApiParameter(
        "status",
        str,
        enum=[s.value for s in ProductStatus],
        description="Staff only; for anyone else the list holds published products, whatever "
        "this says.",
    ),
    OpenApiParameter("cursor", str, description="The page, from a `next` or `previous` link."),
    OpenApiParameter("page_size", int, description="1 to 100; 20 unless given."),
]


def _written(product_id: UUID) -> queries.ProductDocument:
    # From the database, not the cache: this request's change is not committed yet.
    document = queries.load_product(product_id)
    assert document is not None
    return document


class ProductListView(IdempotentCreateMixin, CatalogView):
    """List the products the caller may see, or add a draft."""

    @extend_schema(
        operation_id="v1_products_list",
        parameters=LIST_PARAMETERS,
        responses={200: ProductPageSerializer, **problems(400, 401)},
    )
    def get(self, request: Request) -> Response:
        staff = manages_shop(request.user)
        params = request.query_params.dict()
        if not staff:
            params.pop("status", None)  # customers see published products, whatever they ask
        filters = ProductFilterSerializer(data=params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        category = wanted["category"]
        found = queries.products(
            manages_shop=staff,
            status=ProductStatus(wanted["status"]) if wanted["status"] else None,
            category_ids=queries.category_with_descendants(category) if category else None,
            text=wanted["q"],
        )
        pages = ByNamePagination()
        rows = pages.rows(found, request)
        return Response(pages.body([queries.product_document(row) for row in rows]))

    @extend_schema(
        request=ProductCreateInputSerializer,
        responses={201: ProductSerializer, **problems(400, 401, 403, 422)},
    )
    def post(self, request: Request) -> Response:
        currency = shop_currency()
        data = ProductCreateInputSerializer(data=request.data, currency=currency)
        data.is_valid(raise_exception=True)
        product = bootstrap.create_product(CreateProduct(**data.validated_data, currency=currency))
        return Response(_written(product.id), status=status.HTTP_201_CREATED)


class _OneProductView(CatalogView):
    def visible_product(self, request: Request, pk: UUID) -> queries.ProductDocument:
        """Return the product if the caller may see it (404 otherwise), then check the role."""
        document = queries.find_product(pk)
        if document is None or not queries.is_visible(
            document, manages_shop=manages_shop(request.user)
        ):
            raise NotFound("No such product.")
        self.check_object_permissions(request, document)
        return document


class ProductDetailView(_OneProductView):
    """Read, change or delete one product."""

    @extend_schema(responses={200: ProductSerializer, **problems(401, 404)})
    def get(self, request: Request, pk: UUID) -> Response:
        return Response(self.visible_product(request, pk))

    @extend_schema(
        request=ProductChangeInputSerializer,
        responses={200: ProductSerializer, **problems(400, 401, 403, 404, 422)},
    )
    def patch(self, request: Request, pk: UUID) -> Response:
        self.visible_product(request, pk)
        currency = shop_currency()
        data = ProductChangeInputSerializer(data=request.data, currency=currency)
        data.is_valid(raise_exception=True)
        bootstrap.change_product(
            ChangeProduct(
                product_id=pk,
                currency=currency,
                name=data.validated_data.get("name"),
                description=data.validated_data.get("description"),
                category_id=data.validated_data.get("category_id", UNCHANGED),
                price=data.validated_data.get("price"),
            )
        )
        return Response(_written(pk))

    @extend_schema(responses={204: None, **problems(401, 403, 404, 422)})
    def delete(self, request: Request, pk: UUID) -> Response:
        self.visible_product(request, pk)
        bootstrap.delete_product(DeleteProduct(product_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PublishProductView(_OneProductView):
    """Offer a draft to customers."""

    @extend_schema(request=None, responses={200: ProductSerializer, **problems(401, 403, 404, 422)})
    def post(self, request: Request, pk: UUID) -> Response:
        self.visible_product(request, pk)
        bootstrap.publish_product(PublishProduct(product_id=pk))
        return Response(_written(pk))


class ArchiveProductView(_OneProductView):
    """Withdraw a product: no longer listed to customers nor sold."""

    @extend_schema(request=None, responses={200: ProductSerializer, **problems(401, 403, 404, 422)})
    def post(self, request: Request, pk: UUID) -> Response:
        self.visible_product(request, pk)
        bootstrap.archive_product(ArchiveProduct(product_id=pk))
        return Response(_written(pk))
