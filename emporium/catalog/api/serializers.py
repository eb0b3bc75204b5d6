"""Input and output shapes of the catalog API; names are unique across the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from emporium.catalog.domain.category import NAME_MAX as CATEGORY_NAME_MAX
from emporium.catalog.domain.product import DESCRIPTION_MAX, NAME_MAX, ProductStatus
from emporium.infrastructure.http.fields import StrictCharField, TimestampField
from emporium.infrastructure.http.money import MoneyField
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.pagination import page_of

SEARCH_MAX = 200
_PROBLEMS = {
    400: "Malformed JSON or invalid fields (`errors` names each field).",
    401: "A token was sent but is invalid or expired, or a write came with no token.",
    403: "The caller sees the object, but only staff and owners may do this.",
    404: "No such product for this caller in this shop (drafts and archived: staff only).",
    422: "A business rule refuses it (`type` names the rule).",
}


def problems(*statuses: int) -> dict[int, OpenApiResponse]:
    """Return the OpenAPI responses of ``statuses``, in the catalog's words where it has them."""
    return problem_responses(*statuses, descriptions=_PROBLEMS)


class _InShopCurrency(serializers.Serializer[dict[str, Any]]):
    """A serializer whose ``price`` must be in the shop's currency (``currency=``)."""

    def __init__(self, *args: Any, currency: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        price = self.fields["price"]
        assert isinstance(price, MoneyField)
        price.currency = currency


class ProductCreateInputSerializer(_InShopCurrency):
    name = StrictCharField(max_length=NAME_MAX)
    description = StrictCharField(max_length=DESCRIPTION_MAX, allow_blank=True, default="")
    category_id = serializers.UUIDField(allow_null=True, default=None)
    price = MoneyField()


class ProductChangeInputSerializer(_InShopCurrency):
    name = StrictCharField(max_length=NAME_MAX, required=False)
    description = StrictCharField(max_length=DESCRIPTION_MAX, allow_blank=True, required=False)
    category_id = serializers.UUIDField(allow_null=True, required=False)
    price = MoneyField(required=False)


class ProductFilterSerializer(serializers.Serializer[dict[str, Any]]):
    q = serializers.CharField(max_length=SEARCH_MAX, required=False, allow_blank=True, default="")
    category = serializers.UUIDField(required=False, default=None)
    status = serializers.ChoiceField(
        choices=[s.value for s in ProductStatus], required=False, default=None
    )


class ProductSerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    category_id = serializers.CharField(allow_null=True)
    price = MoneyField()
    status = serializers.ChoiceField(choices=[s.value for s in ProductStatus])
    created_at = TimestampField()
    updated_at = TimestampField()


ProductPageSerializer = page_of(ProductSerializer, "ProductPageSerializer")


class CategoryCreateInputSerializer(serializers.Serializer[dict[str, Any]]):
    name = StrictCharField(max_length=CATEGORY_NAME_MAX)
    parent_id = serializers.UUIDField(allow_null=True, default=None)


class CategorySerializer(serializers.Serializer[dict[str, Any]]):
    id = serializers.CharField()
    name = serializers.CharField()
    parent_id = serializers.CharField(allow_null=True)


CategoryPageSerializer = page_of(CategorySerializer, "CategoryPageSerializer")


class CategoryNodeSerializer(CategorySerializer):
    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        fields["children"] = CategoryNodeSerializer(many=True)  # the tree nests itself
        return fields


class CategoryNavigationSerializer(serializers.Serializer[dict[str, Any]]):
    categories = CategoryNodeSerializer(many=True)
