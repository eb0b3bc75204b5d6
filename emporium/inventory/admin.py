"""Stock and its ledger in the back office, by product name; counts go through the use case.

A count is the stock endpoint's compare-and-set (``PUT /api/v1/products/{id}/stock/``): the form
carries the on-hand figure it was opened with, and ``count_stock`` refuses the count when the
stock has changed since, or when it would fall below what orders hold; the refusal is the form's
error and nothing changes. Product names come from ``catalog.public``, once per page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from emporium.catalog.public import product_names, products_named
from emporium.inventory import bootstrap
from emporium.inventory.application.use_cases import SetStock
from emporium.inventory.domain.stock import MAX_ON_HAND
from emporium.inventory.domain.stock import StockItem as CountedStock
from emporium.inventory.models import StockItem, StockMovement
from emporium.multitenancy.admin_base import TenantModelAdmin
from emporium.shared_kernel.errors import Conflict, DomainError, InvalidInput


class ByProduct(TenantModelAdmin):  # type: ignore[type-arg]
    """Rows of one product each: shown by the product's name, searched by it too."""

    def describe_rows(self, request: HttpRequest, rows: list[Any]) -> None:
        names = product_names({row.product_id for row in rows})
        for row in rows:
            row.product_name = names.get(row.product_id)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        named = list(products_named(search_term)) if search_term.strip() else []
        if named:
            found = found | queryset.filter(product_id__in=named)
        return found, may_have_duplicates

    @admin.display(description="product")
    def product(self, row: Any) -> str:
        if not hasattr(row, "product_name"):
            row.product_name = product_names([row.product_id]).get(row.product_id)
        return row.product_name or f"{row.product_id} (not in the catalog)"


class CountForm(forms.ModelForm):  # type: ignore[type-arg]
    """A count of a product's stock; valid only once ``count_stock`` has taken it.

    The use case runs when the form is validated, in a savepoint of the admin's transaction, so
    that its refusal is this form's error; the admin then saves nothing more.
    """

    on_hand = forms.IntegerField(
        min_value=0, max_value=MAX_ON_HAND, label="On hand", help_text="The units counted."
    )
    counted: CountedStock | None = None

    class Meta:
        model = StockItem
        fields = ()

    def count(self, command: SetStock) -> None:
        try:
            with transaction.atomic():
                self.counted = bootstrap.count_stock(command)
        except Conflict as error:
            if error.code != "stale-expected-on-hand":
                self.add_error("on_hand", error.detail)  # below what orders hold
            else:
                field = "expected_on_hand" if "expected_on_hand" in self.fields else None
                self.add_error(
                    field,
                    f"{error.detail} The stock changed since this page was opened: "
                    "look at the new figure and count again.",
                )
        except InvalidInput as error:
            self.add_error("on_hand", error.detail)
        except DomainError as error:
            self.add_error(None, error.detail)


class RecountForm(CountForm):
    """Count a product's stock again: compare-and-set against the figure the form showed."""

    expected_on_hand = forms.IntegerField(
        min_value=0,
        label="Expected on hand",
        help_text=(
            "On hand when this page was opened. If the stock has changed since (an order, "
            "another count), the count is refused: look at the new figure and count again."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on_hand"].initial = self.instance.on_hand
        self.fields["expected_on_hand"].initial = self.instance.on_hand

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.errors:
            cleaned = self.cleaned_data
            self.count(
                SetStock(self.instance.product_id, cleaned["on_hand"], cleaned["expected_on_hand"])
            )
        return self.cleaned_data


class FirstCountForm(CountForm):
    """The first count of a product that has no stock yet."""

    new_product = forms.TypedChoiceField(coerce=UUID, label="Product")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kept = set(StockItem.objects.values_list("product_id", flat=True))
        choice = self.fields["new_product"]
        assert isinstance(choice, forms.TypedChoiceField)
        choice.choices = [(pk, name) for pk, name in products_named("").items() if pk not in kept]

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.errors:
            # Expected 0: a product with no stock row starts at 0, unless counted meanwhile.
            self.count(SetStock(self.cleaned_data["new_product"], self.cleaned_data["on_hand"], 0))
        return self.cleaned_data


@admin.register(StockItem)
class StockItemAdmin(ByProduct):
    list_display = ("product", "on_hand", "reserved", "available", "updated_at")
    list_display_links = ("product",)
    # Also by the product's name: ByProduct asks the catalog for the ids.
    search_fields = ("product_id",)
    search_help_text = "The product's name or id."
    ordering = ("product_id",)
    readonly_fields = ("product", "reserved", "available")

    def get_fields(self, request: HttpRequest, obj: StockItem | None = None) -> Any:
        if obj is None:
            return ("new_product", "on_hand")
        return ("product", "reserved", "available", "on_hand", "expected_on_hand")

    def get_readonly_fields(self, request: HttpRequest, obj: StockItem | None = None) -> Any:
        return () if obj is None else self.readonly_fields

    def get_form(
        self,
        request: HttpRequest,
        obj: StockItem | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        # No model field is edited: the form's fields are its own, taken by the use case.
        kwargs.update(form=RecountForm if obj is not None else FirstCountForm, fields=())
        return super().get_form(request, obj, change, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: StockItem | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: StockItem, form: Any, change: bool) -> None:
        counted = form.counted  # the use case has written the count and its ledger line
        assert counted is not None
        if not change:
            obj.pk = StockItem.objects.values_list("pk", flat=True).get(product_id=counted.id)
            obj.product_id = counted.id
        obj.on_hand, obj.reserved = counted.on_hand, counted.reserved

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass

    def response_add(
        self, request: HttpRequest, obj: StockItem, post_url_continue: str | None = None
    ) -> HttpResponse:
        self._counted(request, obj)
        return self.response_post_save_add(request, obj)

    def response_change(self, request: HttpRequest, obj: StockItem) -> HttpResponse:
        self._counted(request, obj)
        return self.response_post_save_change(request, obj)

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        context.update(show_save_and_continue=False, show_save_and_add_another=False)
        return super().render_change_form(request, context, *args, **kwargs)

    def _counted(self, request: HttpRequest, obj: StockItem) -> None:
        self.message_user(
            request,
            f"Stock of {self.product(obj)} counted: {obj.on_hand} on hand, "
            f"{obj.reserved} reserved, {self.available(obj)} available.",
            messages.SUCCESS,
        )

    @admin.display(description="available")
    def available(self, obj: StockItem) -> int:
        return obj.on_hand - obj.reserved


@admin.register(StockMovement)
class StockMovementAdmin(ByProduct):
    """The stock ledger, newest first: read-only."""

    list_display = (
        "created_at",
        "product",
        "kind",
        "on_hand_delta",
        "reserved_delta",
        "on_hand_after",
        "reserved_after",
        "reference",
    )
    list_filter = ("kind",)
    search_fields = ("product_id", "reference")
    search_help_text = "The product's name or id, or the reference (an order's id)."
    ordering = ("-created_at", "-id")
    fields = readonly_fields = list_display  # a ledger line's page shows what its row shows

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
