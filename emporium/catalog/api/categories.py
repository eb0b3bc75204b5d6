"""``/api/v1/categories/``: list and create categories; the whole tree for navigation."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.catalog import bootstrap
from emporium.catalog.adapters import queries
from emporium.catalog.api.access import CatalogView
from emporium.catalog.api.serializers import (
    CategoryCreateInputSerializer,
    CategoryNavigationSerializer,
    CategoryPageSerializer,
    CategorySerializer,
    problems,
)
from emporium.catalog.application.use_cases import CreateCategory
from emporium.infrastructure.http.idempotency import IdempotentCreateMixin
from emporium.infrastructure.http.pagination import ByNamePagination

PAGE_PARAMETERS = [
    OpenApiParameter("cursor", str, description="The page, from a `next` or `previous` link."),
    OpenApiParameter("page_size", int, description="1 to 100; 20 unless given."),
]


class CategoryListView(IdempotentCreateMixin, CatalogView):
    """List the shop's categories in name order, or add one."""

    @extend_schema(
        operation_id="v1_categories_list",
        parameters=PAGE_PARAMETERS,
        responses={200: CategoryPageSerializer, **problems(400, 401)},
    )
    def get(self, request: Request) -> Response:
        pages = ByNamePagination()
        rows = pages.rows(queries.categories(), request)
        return Response(pages.body([queries.category_document(row) for row in rows]))

    @extend_schema(
        request=CategoryCreateInputSerializer,
        responses={201: CategorySerializer, **problems(400, 401, 403, 422)},
    )
    def post(self, request: Request) -> Response:
        data = CategoryCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        category = bootstrap.create_category(CreateCategory(**data.validated_data))
        return Response(queries.category_document(category), status=status.HTTP_201_CREATED)


class CategoryNavigationView(CatalogView):
    """The whole category tree as one document, each level in name order."""

    @extend_schema(responses={200: CategoryNavigationSerializer, **problems(401)})
    def get(self, request: Request) -> Response:
        return Response(queries.navigation())
