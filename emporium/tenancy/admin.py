"""The operators' back office: tenants, on the bare base domain only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect

from emporium.multitenancy.context import current_tenant
from emporium.shared_kernel.errors import DomainError, InvalidInput
from emporium.shared_kernel.money import CURRENCIES
from emporium.tenancy import bootstrap
from emporium.tenancy.application.use_cases import CreateTenant, ReactivateTenant, SuspendTenant
from emporium.tenancy.domain.tenant import validate_slug
from emporium.tenancy.models import Tenant, TenantSettings


def serves_operator(request: HttpRequest) -> bool:
    """Return whether the request is a platform request from an active operator."""
    user = request.user
    # Operators are the back office's superusers; they have no tenant and sign in on no tenant.
    return current_tenant() is None and user.is_active and user.is_superuser


class NewTenantForm(forms.ModelForm):  # type: ignore[type-arg]
    """The input of ``create_tenant``; the model form only validates (a free slug)."""

    currency = forms.ChoiceField(
        choices=[(code, code) for code in sorted(CURRENCIES)], initial="USD"
    )

    class Meta:
        model = Tenant
        fields = ("slug", "name")
        help_texts = {"slug": "The host label: <slug>.<base domain>."}

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        try:
            return validate_slug(slug)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.errors.get("slug", [exc.detail])) from exc


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Tenants for platform operators: list, search, create, suspend and reactivate.

    Every change goes through the tenancy use cases on the owner's connection; settings are
    shown read-only. The views run outside the request transaction of the app's connection:
    the use cases commit on their own, and on SQLite a second connection cannot write while
    the request's transaction holds the database's write lock.
    """

    list_display = ("slug", "name", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("slug", "name")
    ordering = ("slug",)
    actions = ("suspend", "reactivate")
    fields = readonly_fields = (
        "slug",
        "name",
        "status",
        "created_at",
        "currency",
        "tax_rate",
        "payment_methods",
    )

    def get_urls(self) -> list[URLPattern]:
        urls = super().get_urls()
        for pattern in urls:
            transaction.non_atomic_requests(using=DEFAULT_DB_ALIAS)(pattern.callback)
        return urls

    def has_module_permission(self, request: HttpRequest) -> bool:
        return serves_operator(request)

    def has_view_permission(self, request: HttpRequest, obj: Tenant | None = None) -> bool:
        return serves_operator(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return serves_operator(request)

    def has_change_permission(self, request: HttpRequest, obj: Tenant | None = None) -> bool:
        return False  # only through the use cases: actions and the add form

    def has_delete_permission(self, request: HttpRequest, obj: Tenant | None = None) -> bool:
        return False  # tenants are suspended, never deleted

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return serves_operator(request)

    def _settings(self, obj: Tenant) -> TenantSettings | None:
        # Settings are private to their tenant: only the owner's connection reads them here.
        settings: TenantSettings | None = TenantSettings.cross_tenant.filter(
            tenant_id=obj.pk
        ).first()
        return settings

    @admin.display(description="currency")
    def currency(self, obj: Tenant) -> str:
        settings = self._settings(obj)
        return settings.currency if settings else "-"

    @admin.display(description="tax rate (%)")
    def tax_rate(self, obj: Tenant) -> str:
        settings = self._settings(obj)
        return str(settings.tax_rate) if settings else "-"

    @admin.display(description="payment methods")
    def payment_methods(self, obj: Tenant) -> str:
        settings = self._settings(obj)
        return ", ".join(settings.payment_methods) if settings else "-"

    def _apply(
        self,
        request: HttpRequest,
        queryset: models.QuerySet[Tenant],
        use_case: Callable[[str], object],
        done: str,
    ) -> None:
        for slug in queryset.values_list("slug", flat=True):
            try:
                use_case(slug)
            except DomainError as exc:  # already in that state: say so, go on with the rest
                self.message_user(request, exc.detail, messages.WARNING)
            else:
                self.message_user(request, f"Tenant {slug} {done}.", messages.SUCCESS)

    @admin.action(description="Suspend the selected tenants", permissions=["manage"])
    def suspend(self, request: HttpRequest, queryset: models.QuerySet[Tenant]) -> None:
        self._apply(
            request,
            queryset,
            lambda slug: bootstrap.suspend_tenant(SuspendTenant(slug)),
            "suspended",
        )

    @admin.action(description="Reactivate the selected tenants", permissions=["manage"])
    def reactivate(self, request: HttpRequest, queryset: models.QuerySet[Tenant]) -> None:
        self._apply(
            request,
            queryset,
            lambda slug: bootstrap.reactivate_tenant(ReactivateTenant(slug)),
            "reactivated",
        )

    @method_decorator(csrf_protect)
    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        """Create a tenant with ``create_tenant`` (not a model form's save)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = NewTenantForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                tenant = bootstrap.create_tenant(CreateTenant(**form.cleaned_data))
            except InvalidInput as exc:
                for field, errors in (exc.errors or {"": [exc.detail]}).items():
                    form.add_error(field if field in form.fields else None, errors)
            except DomainError as exc:
                form.add_error("slug", exc.detail)
            else:
                self.message_user(request, f"Tenant {tenant.slug} created.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:tenancy_tenant_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": "Add tenant",
            "adminform": helpers.AdminForm(form, [(None, {"fields": list(form.fields)})], {}),
            "errors": helpers.AdminErrorList(form, []),
            "media": self.media + form.media,
            "inline_admin_formsets": [],
            "object_id": None,
            "original": None,
            "is_popup": False,
            "to_field": None,
            "preserved_filters": self.get_preserved_filters(request),
            **(extra_context or {}),
        }
        return self.render_change_form(request, context, add=True, form_url=form_url)
