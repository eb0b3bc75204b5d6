"""The back office: a shop's owners and staff on its host, platform operators on the bare domain."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, reverse

from emporium.identity.models import manages_shop
from emporium.multitenancy.admin_base import TenantModelAdmin
from emporium.multitenancy.context import current_tenant
from emporium.multitenancy.scoping import TenantOwnedModel

# Only the project's own apps are in the back office: the admins of third-party apps (auth's
# groups, django-axes' sign-in attempts) know nothing of tenants and show every tenant's rows.
PROJECT_PACKAGES = ("emporium.", "tests.")
PLATFORM_TITLE = "Emporium platform"

#: A back-office page's view: the request, and the site's context (titles, the user's links).
PageView = Callable[[HttpRequest, dict[str, Any]], HttpResponse]


@dataclass(frozen=True)
class BackOfficePage:
    """A page of a shop's back office that is no model's: registered by the context that owns
    it (``register_page``), served at ``/admin/<route>`` to the accounts ``may_enter`` admits,
    on a shop's host only, and linked from the index."""

    route: str  # "dashboard/"
    name: str  # the URL name, "admin:<name>"
    title: str
    description: str
    view: PageView


def may_enter(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Return whether ``user`` may use the back office of the current tenant (or platform)."""
    if not (user.is_authenticated and user.is_active):
        return False
    tenant = current_tenant()
    if tenant is None:
        return bool(getattr(user, "is_operator", False))
    return getattr(user, "tenant_id", None) == tenant.id and manages_shop(user)


class BackOfficeAuthenticationForm(AdminAuthenticationForm):
    """Sign-in by e-mail and password; the user manager finds the e-mail in this tenant only."""

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        # Say whose back office this is and where the others are, so that someone on the wrong
        # host knows where to go; it never says whether the e-mail exists anywhere.
        self.error_messages = {
            **self.error_messages,
            "invalid_login": f"{self.error_messages['invalid_login']} {where_to_sign_in(request)}",
        }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not may_enter(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


def where_to_sign_in(request: HttpRequest | None) -> str:
    """Return the sentence that names this back office and the address of the others."""
    port = (
        "" if request is None or request.get_port() in ("80", "443") else f":{request.get_port()}"
    )
    base = f"{settings.EMPORIUM_BASE_DOMAIN}{port}"
    tenant = current_tenant()
    if tenant is None:
        return (
            f"This is the platform's back office, for operators; a shop's owners and staff sign "
            f"in at their shop's address, such as <shop>.{base}/admin/."
        )
    return (
        f"This is the back office of the shop {tenant.slug}, for its owners and staff; staff of "
        f"another shop sign in at <shop>.{base}/admin/, operators at {base}/admin/."
    )


class EmporiumAdminSite(admin.AdminSite):
    """Django's admin, entered only by the accounts ``may_enter`` admits, titled by tenant."""

    login_form = BackOfficeAuthenticationForm
    index_title = "Back office"
    index_template = "admin/back_office_index.html"

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)
        self._pages: dict[str, BackOfficePage] = {}

    def has_permission(self, request: HttpRequest) -> bool:
        return may_enter(request.user)

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        tenant = current_tenant()
        title = f"{tenant.slug} back office" if tenant else PLATFORM_TITLE
        context.update(
            site_header=title,
            site_title=title,
            back_office_pages=[
                {
                    "title": page.title,
                    "description": page.description,
                    "url": reverse(f"{self.name}:{page.name}", current_app=self.name),
                }
                for page in (self._pages.values() if tenant else ())
            ],
        )
        return context

    def register_page(self, page: BackOfficePage) -> None:
        """Serve ``page`` in every shop's back office; refuse a second page of the same name."""
        if page.name in self._pages:
            raise ImproperlyConfigured(f"The back-office page {page.name!r} is registered twice.")
        self._pages[page.name] = page

    def get_urls(self) -> list[URLResolver | URLPattern]:
        pages: list[URLResolver | URLPattern] = [
            path(page.route, self.admin_view(self._page_view(page)), name=page.name)
            for page in self._pages.values()
        ]
        return pages + super().get_urls()

    def _page_view(self, page: BackOfficePage) -> Callable[[HttpRequest], HttpResponse]:
        def view(request: HttpRequest) -> HttpResponse:
            # A shop's page: the platform's back office (no tenant) has no such page.
            if current_tenant() is None:
                raise Http404(f"{page.title} is a shop's page.")
            return page.view(request, {**self.each_context(request), "title": page.title})

        return view

    def register(
        self,
        model_or_iterable: type[Model] | Iterable[type[Model]],
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        """Register the project's models; refuse a tenant-owned model without the tenant
        admin; leave out third-party apps' models."""
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        own = [m for m in models if m._meta.app_config.name.startswith(PROJECT_PACKAGES)]
        for model in own:
            if issubclass(model, TenantOwnedModel) and not (
                admin_class and issubclass(admin_class, TenantModelAdmin)
            ):
                raise ImproperlyConfigured(
                    f"{model._meta.label} is tenant-owned: register it with a TenantModelAdmin."
                )
        if own:
            super().register(own, admin_class, **options)


def register_back_office_page(page: BackOfficePage) -> None:
    """Add ``page`` to every shop's back office; call it from an app's ``admin.py``."""
    if not isinstance(admin.site, EmporiumAdminSite):
        raise ImproperlyConfigured("The back office is not EmporiumAdminSite: see INSTALLED_APPS.")
    admin.site.register_page(page)
