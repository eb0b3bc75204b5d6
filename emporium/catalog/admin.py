"""Products and categories in the back office; every change goes through the use cases.

Saving through the use cases (not ``Model.save``) keeps the rules (unique names, publish
rules, only drafts deleted) and records the events that invalidate the caches.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from emporium.catalog import bootstrap
from emporium.catalog.application import use_cases as cases
from emporium.catalog.domain.product import ProductStatus
from emporium.catalog.models import Category, Product
from emporium.infrastructure.admin_actions import run_each
from emporium.infrastructure.db.money_field import MoneyAmountFormField
from emporium.multitenancy.admin_base import TenantModelAdmin
from emporium.shared_kernel.errors import DomainError
from emporium.shared_kernel.money import Money
from emporium.tenancy.public import shop_currency


def _refused(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, f"Not saved: {error.detail}")
    transaction.set_rollback(True)


@admin.register(Category)
class CategoryAdmin(TenantModelAdmin[Category]):
    list_display = ("name", "parent")
    search_fields = ("name",)
    ordering = ("name",)
    fields = ("name", "parent")

    def get_readonly_fields(self, request: HttpRequest, obj: Category | None = None) -> Any:
        return ("name", "parent") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Category, form: Any, change: bool) -> None:
        try:
            created = bootstrap.create_category(
                cases.CreateCategory(name=obj.name, parent_id=obj.parent_id)
            )
        except DomainError as error:
            _refused(request, error)
            return
        obj.pk = created.id

    def has_delete_permission(self, request: HttpRequest, obj: Category | None = None) -> bool:
        return False


class ProductForm(forms.ModelForm):  # type: ignore[type-arg]
    """A product's fields, its price in the shop's currency (a shop has one; the form names it).

    The currency is not a field: a new product takes the shop's, from its settings, before the
    form validates the amount against it ("12.505" is refused in EUR, "12.5" in JPY).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.currency:
            self.instance.currency = shop_currency()
        currency = self.instance.currency
        price = self.fields.get("price")
        if isinstance(price, MoneyAmountFormField):
            price.currency = currency
            price.label = f"Price ({currency})"
            price.widget.attrs["step"] = str(Money(1, currency).amount)


@admin.register(Product)
class ProductAdmin(TenantModelAdmin[Product]):
    form = ProductForm
    list_display = ("name", "status", "price", "category", "updated_at")
    list_filter = ("status", "category")
    list_select_related = ("category",)
    search_fields = ("name", "description")
    ordering = ("name",)
    fields = ("name", "description", "category", "price", "status")
    readonly_fields = ("status",)
    actions = ("publish", "archive")

    def save_model(self, request: HttpRequest, obj: Product, form: Any, change: bool) -> None:
        currency = shop_currency()
        price = obj.price if isinstance(obj.price, Money) else Money.zero(currency)
        try:
            if change:
                bootstrap.change_product(
                    cases.ChangeProduct(
                        product_id=obj.pk,
                        currency=currency,
                        name=obj.name,
                        description=obj.description,
                        category_id=obj.category_id,
                        price=price,
                    )
                )
            else:
                created = bootstrap.create_product(
                    cases.CreateProduct(
                        name=obj.name,
                        description=obj.description,
                        category_id=obj.category_id,
                        price=price,
                        currency=currency,
                    )
                )
                obj.pk = created.id
        except DomainError as error:
            _refused(request, error)

    def delete_model(self, request: HttpRequest, obj: Product) -> None:
        try:
            bootstrap.delete_product(cases.DeleteProduct(obj.pk))
        except DomainError as error:
            _refused(request, error)

    def has_delete_permission(self, request: HttpRequest, obj: Product | None = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.status == ProductStatus.DRAFT.value)

    def get_actions(self, request: HttpRequest) -> Any:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # bulk deletes would skip the use case
        return actions

    @admin.action(description="Publish the selected drafts")
    def publish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        run_each(
            request,
            queryset,
            lambda pk: bootstrap.publish_product(cases.PublishProduct(pk)),
        )

    @admin.action(description="Archive the selected products")
    def archive(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        run_each(
            request,
            queryset,
            lambda pk: bootstrap.archive_product(cases.ArchiveProduct(pk)),
        )
