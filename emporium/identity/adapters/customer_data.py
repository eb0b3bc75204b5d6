"""A customer's data in identity: the account and its audit entries, exported and erased."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import LogEntry
from django.contrib.auth import authenticate
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from emporium.identity.adapters import audit
from emporium.identity.adapters.lockout import lockout_key, retry_after_seconds
from emporium.identity.adapters.repository import DjangoIdentityUnitOfWork
from emporium.identity.domain.account import Account
from emporium.identity.domain.roles import Role
from emporium.identity.models import AccessToken, AuditEvent, User
from emporium.infrastructure.bus import message_bus
from emporium.infrastructure.http.fields import optional_timestamp, timestamp
from emporium.multitenancy.context import require_tenant
from emporium.shared_kernel.errors import NotFound
from emporium.shared_kernel.text_scrubbing import scrub_text


@dataclass(frozen=True)
class Person:
    """Who an account is: what erasure must find wherever else it was copied."""

    id: UUID
    email: str
    name: str
    role: Role

    @property
    def personal_values(self) -> set[str]:
        """Return the strings that identify the person (empty ones left out)."""
        return {value for value in (self.email, self.name) if value}


def person(account_id: UUID) -> Person:
    """Return the current tenant's account ``account_id``; NotFound if there is none."""
    row = User.objects.filter(pk=account_id).first()
    if row is None or row.role is None:
        raise NotFound("No such account.")
    return Person(row.pk, row.email, row.name, Role(row.role))


@dataclass(frozen=True)
class PasswordCheck:
    """The answer to a password confirming an act: it matches, or not; ``locked_for`` seconds
    when the account's sign-in is locked out (the password was not even compared)."""

    matches: bool
    locked_for: int | None = None


def confirm_password(request: HttpRequest, account_id: UUID, password: str) -> PasswordCheck:
    """Check the account's password as a sign-in does, through the authentication backends: a
    wrong one counts toward the lockout of (shop, e-mail) and is audited as a failed sign-in
    (committed with the refusal's answer), and a locked-out account is refused even with the
    right one. An erased account has no password."""
    email = User.objects.filter(pk=account_id).values_list("email", flat=True).first()
    if email is None:
        return PasswordCheck(False)
    user = authenticate(request, email=email, password=password)
    if getattr(request, "axes_locked_out", False):
        return PasswordCheck(False, retry_after_seconds(lockout_key(request, {"email": email})))
    return PasswordCheck(user is not None and user.pk == account_id)


def check_erasable(account_id: UUID) -> Person:
    """Return the account if it may be erased; NotFound, or NotErasable for owners and staff.

    The account's row is locked first, before erasure reads or changes anything else: what waits
    on it (another erasure, a change of the account) runs after this erasure, never in between.
    """
    User.objects.select_for_update().filter(pk=account_id).values_list("pk").first()
    found = person(account_id)
    _account(found).erase()  # raises NotErasable; the copy is thrown away
    return found


def account_document(account_id: UUID) -> dict[str, Any]:
    """Return the account as the export shows it."""
    row = User.objects.get(pk=account_id)
    return {
        "id": str(row.pk),
        "email": row.email,
        "name": row.name,
        "role": row.role,
        "active": row.is_active,
        "date_joined": timestamp(row.date_joined),
        "last_login": optional_timestamp(row.last_login),
    }


def audit_documents(account_id: UUID) -> list[dict[str, Any]]:
    """Return the audit entries about the account, oldest first: its own, and others' acts on it
    (those show who acted, not from where)."""
    entries = AuditEvent.objects.filter(
        Q(user_id=account_id) | Q(detail__account_id=str(account_id))
    ).order_by("occurred_at", "id")
    documents = []
    for entry in entries:
        own = entry.user_id == account_id
        documents.append(
            {
                "type": entry.event,
                "occurred_at": timestamp(entry.occurred_at),
                "actor": str(entry.user_id) if entry.user_id else None,
                "ip": entry.ip_address if own else None,
                "user_agent": entry.user_agent if own else "",
                "request_id": entry.request_id,
                "details": entry.detail,
            }
        )
    return documents


def erase_account(account_id: UUID, personal_values: Iterable[str]) -> None:
    """Erase the account: no sign-in, tokens revoked, e-mail and name gone from identity's
    tables and the tables it runs (lockouts, the back office's log, audit entries), and
    ``identity.customer_erased`` recorded for other processes. ``personal_values`` are every
    string of the person found elsewhere (their addresses), scrubbed from free text too."""
    uow = DjangoIdentityUnitOfWork(message_bus())
    with uow:
        row = User.objects.select_for_update().get(pk=account_id)
        old_email = row.email
        account = _account(Person(row.pk, row.email, row.name, Role(str(row.role))))
        account.erase()
        row.email, row.name = account.email, account.name
        row.is_active = False
        row.last_login = None
        row.set_unusable_password()
        row.erased_at = row.erased_at or timezone.now()
        row.save(
            update_fields=["email", "name", "is_active", "last_login", "password", "erased_at"]
        )
        AccessToken.objects.filter(user_id=account_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        lockout_key = f"{require_tenant().slug}:{old_email}"
        for model in (AccessAttempt, AccessLog, AccessFailureLog):
            model.objects.filter(username=lockout_key).delete()
        _scrub_back_office_log(account_id, {old_email, *personal_values})
        audit.scrub_account(account_id, old_email)
        uow.track(account)
        uow.commit()


def _account(found: Person) -> Account:
    # Accounts keep no stream: registration was event 1, so erasure is event 2.
    return Account(id=found.id, email=found.email, name=found.name, role=found.role, version=1)


def _scrub_back_office_log(account_id: UUID, values: set[str]) -> None:
    user_type = ContentType.objects.get_for_model(User)
    for entry in LogEntry.objects.filter(content_type=user_type, object_id=str(account_id)):
        entry.object_repr = scrub_text(entry.object_repr, values)
        entry.change_message = scrub_text(entry.change_message, values)
        entry.save(update_fields=["object_repr", "change_message"])
