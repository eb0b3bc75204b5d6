"""Identity's ``customer_registered`` signal, and audit receivers for sign-ins and denials."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import Signal, receiver
from django.http import HttpRequest

from emporium.identity.adapters import audit
from emporium.identity.models import User, account_of, normalize_email
from emporium.infrastructure.http.signals import permission_denied
from emporium.infrastructure.logging import current_request
from emporium.tenancy.public import TenantReactivated, TenantSuspended

#: ``receiver(sender, event: CustomerRegistered, **kwargs)``; sent after commit, robustly.
customer_registered = Signal()


@receiver(user_logged_in, dispatch_uid="identity.audit_sign_in")
def audit_sign_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit.record(audit.SIGN_IN_SUCCEEDED, request=request, user_id=user.pk, via="session")


def account_named(email: str) -> UUID | None:
    """Return the id of the current tenant's (or platform's) account with this e-mail, if any."""
    found: UUID | None = (
        User.objects.filter(email=normalize_email(email)).values_list("pk", flat=True).first()
    )
    return found


def audit_attempt(event: str, request: HttpRequest | None, email: str, **detail: Any) -> None:
    """Record a failed or locked-out sign-in: by account id, or by the e-mail's keyed hash."""
    account = account_named(email) if email else None
    audit.record(event, request=request, user_id=account, email="" if account else email, **detail)


@receiver(user_login_failed, dispatch_uid="identity.audit_sign_in_failed")
def audit_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "")
    locked = bool(getattr(request, "axes_locked_out", False))
    audit_attempt(audit.SIGN_IN_FAILED, request, email, locked_out=locked)


@receiver(user_locked_out, dispatch_uid="identity.audit_locked_out")
def audit_locked_out(
    sender: Any, request: HttpRequest, username: str, ip_address: str, **kwargs: Any
) -> None:
    audit_attempt(audit.LOCKED_OUT, request, username.split(":", 1)[-1])


@receiver(permission_denied, dispatch_uid="identity.audit_permission_denied")
def audit_permission_denied(sender: Any, request: HttpRequest, **kwargs: Any) -> None:
    user = account_of(request.user)  # signalled for signed-in callers only
    audit.record(
        audit.PERMISSION_DENIED,
        request=request,
        user_id=user.pk,
        method=request.method,
        path=request.path,
    )


def operator_of(request: HttpRequest | None) -> UUID | None:
    """Return the id of the signed-in account of ``request`` (an operator), if any."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    account: UUID = user.pk
    return account


def audit_tenant_status(event: TenantSuspended | TenantReactivated, using: str) -> None:
    """Record a shop's suspension or reactivation in the platform's audit log (tenant NULL):
    an operator's act, by the admin's action or ``manage.py tenants``. Called inside the act's
    transaction on its connection (the owner's): the entry commits with it or not at all."""
    request = current_request()
    audit.record(
        audit.TENANT_SUSPENDED if isinstance(event, TenantSuspended) else audit.TENANT_REACTIVATED,
        user_id=operator_of(request),
        platform=True,
        using=using,
        tenant=event.slug,
        via="admin" if request is not None else "command",
    )
