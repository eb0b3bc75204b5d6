"""The back-office base of a tenant's data: on its host, for its owners and staff, scoped."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models.fields.related import RelatedField
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.http import Http404, HttpRequest

from emporium.multitenancy.context import current_tenant, require_tenant
from emporium.multitenancy.scoping import TenantOwnedModel

M = TypeVar("M", bound=models.Model)


def serves_shop_staff(request: HttpRequest) -> bool:
    """Return whether the request is on a tenant host from an active owner or staff of it."""
    tenant = current_tenant()
    user = request.user
    # is_staff means owner or staff of a shop (or an operator, who has no tenant_id).
    return (
        tenant is not None
        and user.is_active
        and user.is_staff
        and getattr(user, "tenant_id", None) == tenant.id
    )


# Generic for type checkers and at runtime (Django's ModelAdmin is generic only in its stubs).
class TenantModelAdmin(admin.ModelAdmin, Generic[M]):  # type: ignore[type-arg]
    """Admin of a tenant's rows, for its owners and staff on its host; never on the platform.

    Lists, searches, filters and foreign-key choices come from the scoped managers, and an
    object the current tenant cannot see answers 404 on every URL of it (change, delete,
    history), never Django's redirect to the list, which would tell it exists elsewhere.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return serves_shop_staff(request)

    def has_view_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return serves_shop_staff(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return serves_shop_staff(request)

    def has_change_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return serves_shop_staff(request)

    def has_delete_permission(self, request: HttpRequest, obj: M | None = None) -> bool:
        return serves_shop_staff(request)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[M]:
        require_tenant()  # the scoped manager filters by it; without one, nothing is shown
        return super().get_queryset(request)

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        changelist = super().get_changelist_instance(request)
        # Evaluates the page's queryset once; the template iterates the same cached rows.
        self.describe_rows(request, list(changelist.result_list))
        return changelist

    def describe_rows(self, request: HttpRequest, rows: list[M]) -> None:
        """Attach to the rows of a changelist's page what its columns show of other contexts
        (names, e-mails), asking each context once for the whole page, never once per row.
        Nothing by default."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> M:
        obj: M | None = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object in this shop.")
        return obj

    def tenant_choices(
        self, db_field: RelatedField[Any, Any], request: HttpRequest, using: str | None
    ) -> models.QuerySet[Any] | None:
        """Return the choices of a relation to tenant-owned rows, filtered by tenant even if
        a subclass swaps managers; None for other relations (their managers scope them)."""
        target = db_field.remote_field.model
        if not (isinstance(target, type) and issubclass(target, TenantOwnedModel)):
            return None
        queryset = self.get_field_queryset(using, db_field, request)
        if queryset is None:
            queryset = target.objects.using(using).all()
        return queryset.filter(tenant_id=require_tenant().id)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        if "queryset" not in kwargs:
            choices = self.tenant_choices(db_field, request, kwargs.get("using"))
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelMultipleChoiceField[Any] | None:
        if "queryset" not in kwargs:
            choices = self.tenant_choices(db_field, request, kwargs.get("using"))
            if choices is not None:
                kwargs["queryset"] = choices
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyTenantInline(admin.TabularInline):  # type: ignore[type-arg]
    """Rows that belong to a tenant's object, shown read-only on its page to its owners and
    staff (Django's own inline permissions ask model permissions, which only operators hold).
    The rows come from the scoped manager of the inline's model."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return serves_shop_staff(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
