"""A shop's accounts and security audit log in the back office, on the shop's host; every
shop's audit log for platform operators."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from emporium.identity import bootstrap
from emporium.identity.adapters import audit
from emporium.identity.adapters.audit import email_hash
from emporium.identity.application.change_role import ChangeRole
from emporium.identity.domain.roles import Role
from emporium.identity.models import AuditEvent, User, normalize_email
from emporium.multitenancy.admin_base import TenantModelAdmin, serves_shop_staff
from emporium.multitenancy.context import current_tenant, require_tenant
from emporium.shared_kernel.errors import DomainError

#: Operators read every tenant's audit entries on the owner's connection (it bypasses RLS).
PLATFORM_READS = "admin"

ROLE_CHOICES = [(role.value, role.value) for role in Role]
#: Changes of an account that decide who signs in with it (audited as ``account_changed``).
ACCESS_FIELDS = ("email", "is_active")


def is_owner(request: HttpRequest) -> bool:
    """Return whether the signed-in account is an owner (of the current tenant)."""
    return getattr(request.user, "role", None) == Role.OWNER.value


class AccountFormMixin(forms.ModelForm):  # type: ignore[type-arg]
    """E-mail normalized and unique in the shop; a role is required (operators have none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = self.fields.get("role")
        if isinstance(role, forms.ChoiceField):
            role.choices, role.required = ROLE_CHOICES, True

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        # The manager sees this shop's accounts only: the same e-mail elsewhere is fine.
        if User.objects.filter(email=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("This shop has an account with this e-mail already.")
        return email


class AccountChangeForm(AccountFormMixin, UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("email", "name", "role", "is_active")


class AccountCreationForm(AccountFormMixin, BaseUserCreationForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = ("email", "name", "role")


@admin.register(User)
class UserAdmin(TenantModelAdmin[User], DjangoUserAdmin):  # type: ignore[type-arg]
    """The shop's accounts, for its owners and staff.

    Owners add accounts, edit them, set passwords and change roles; a role changes only through
    ``change_role``, which refuses to remove the last owner and writes the audit log. Staff see
    every account but change only a customer's name and active flag and their own name: never
    a role, an e-mail (the sign-in) or a password (that would take the account over); other
    staff's and owners' accounts are read-only to them. Nobody deactivates their own account,
    and accounts are deactivated rather than deleted, so the audit log keeps naming them. An
    erased account is read-only to everyone, its password form included.
    """

    form = AccountChangeForm
    add_form = AccountCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Profile", {"fields": ("name",)}),
        ("Access", {"fields": ("role", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "name", "role", "password1", "password2")},
        ),
    )
    list_display = ("email", "name", "role", "is_active", "date_joined")
    list_filter = ("role", "is_active")
    search_fields = ("email", "name")
    ordering = ("email",)
    filter_horizontal = ()
    readonly_fields = ("last_login", "date_joined")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and is_owner(request)

    def has_change_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is not None and obj.erased_at is not None:
            return False  # erased (ADR 0022): nothing here may bring the person back
        if obj is None or is_owner(request):
            return True
        return obj.pk == request.user.pk or obj.role == Role.CUSTOMER.value

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return False

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or is_owner(request):
            return fieldsets
        # The password field links to the owners' password form: leave it out for staff.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        if not is_owner(request):
            fields += ["email", "role"]
        if obj.pk == request.user.pk:
            fields.append("is_active")
        return fields

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.tenant_id = require_tenant().id  # an account added here belongs to this shop
        elif "role" in form.changed_data:
            assert obj.role is not None
            actor_id = request.user.pk
            assert isinstance(actor_id, UUID)
            bootstrap.change_role(ChangeRole(actor_id, obj.pk, Role(obj.role)), request)
        obj.save()
        # In the form's transaction: the entries commit with the change or not at all.
        if not change and obj.role != Role.CUSTOMER.value:  # an account added with a staff role
            audit.record(
                audit.ROLE_CHANGED,
                request=request,
                user_id=request.user.pk,
                account_id=str(obj.pk),
                old=None,
                new=obj.role,
            )
        if change and (changed := [f for f in ACCESS_FIELDS if f in form.changed_data]):
            audit.record(
                audit.ACCOUNT_CHANGED,
                request=request,
                user_id=request.user.pk,
                account_id=str(obj.pk),
                changed=changed,
            )

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            # change_role refused: Django's atomic block has rolled the whole form back.
            self.message_user(request, exc.detail, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        account = self.get_object(request, unquote(id))
        if account is None:  # 404 first: another shop's account is not here
            return super().user_change_password(request, id, form_url)
        if not is_owner(request) or account.erased_at is not None:
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            # Django's form redirects only once it has saved the new password.
            audit.record(
                audit.PASSWORD_SET,
                request=request,
                user_id=request.user.pk,
                account_id=str(account.pk),
            )
        return response


def serves_operator(request: HttpRequest) -> bool:
    """Return whether the request is on the platform's host from an active operator."""
    user = request.user
    return current_tenant() is None and user.is_active and user.is_superuser


def _accounts(request: HttpRequest) -> QuerySet[User]:
    """Return the accounts whose entries the reader sees: the shop's for its owners; every
    shop's and the platform's for operators (the owner's connection: RLS)."""
    if current_tenant() is None and serves_operator(request):
        return QuerySet(User, using=PLATFORM_READS)  # not User.objects: operators only there
    return User.objects.all()


@admin.register(AuditEvent)
class AuditEventAdmin(TenantModelAdmin[AuditEvent]):
    """Security events, newest first, read-only: a shop's owners read their shop's on its host,
    platform operators read every shop's and the platform's on the bare domain. Nobody adds,
    changes or deletes an entry here (ADR 0021)."""

    list_display = ("occurred_at", "event", "tenant_id", "user_id", "ip_address", "request_id")
    list_filter = ("event",)
    search_fields = ("=user_id", "=request_id", "=email_hash")
    ordering = ("-occurred_at", "-id")
    actions = None
    fields = readonly_fields = (
        "occurred_at",
        "event",
        "tenant_id",
        "user_id",
        "email_hash",
        "ip_address",
        "user_agent",
        "request_id",
        "detail",
    )

    def _reader(self, request: HttpRequest) -> bool:
        return (serves_shop_staff(request) and is_owner(request)) or serves_operator(request)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._reader(request)

    def has_view_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return self._reader(request)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent], search_term: str
    ) -> tuple[QuerySet[AuditEvent], bool]:
        """Find an e-mail's entries by its account's id and the e-mail's keyed hash: entries
        keep no e-mail."""
        term = search_term.strip()
        if "@" not in term:
            return super().get_search_results(request, queryset, term)
        accounts = _accounts(request).filter(email=normalize_email(term))
        ids = list(accounts.values_list("pk", flat=True))
        found = queryset.filter(Q(user_id__in=ids) | Q(email_hash=email_hash(term)))
        return found, False

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        if current_tenant() is None and serves_operator(request):
            # Every tenant's entries and the platform's: the owner's connection (RLS).
            return AuditEvent.everywhere.using(PLATFORM_READS).order_by(*self.ordering)
        return super().get_queryset(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
