"""The security audit log: a structured log line and a row per event.

``record`` is the one way in (other contexts call it through ``identity.public``). Entries name
the account by id, never by e-mail: an e-mail that names no account (a failed sign-in for an
unknown or erased address) is kept as a keyed hash (``email_hash``). Nothing changes or deletes
an entry except the three named exceptions below (``prune_audit``, ``scrub_account``,
``delete_tenant_entries``), each under ``infrastructure.db.maintenance`` (ADR 0021).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Q
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from emporium.identity.models import AuditEvent, normalize_email
from emporium.infrastructure.db.maintenance import AuditLogIsImmutable as AuditLogIsImmutable
from emporium.infrastructure.db.maintenance import maintenance
from emporium.infrastructure.http.client_ip import client_ip as http_client_ip
from emporium.infrastructure.logging import current_request, request_id_var
from emporium.multitenancy.context import current_tenant

logger = logging.getLogger("emporium.security")

# The types of API.md ("Audit types"); the API's ``type`` of an entry.
SIGN_IN = SIGN_IN_SUCCEEDED = "sign_in_succeeded"
SIGN_IN_FAILED = "sign_in_failed"
LOCKED_OUT = "locked_out"
TOKEN_ISSUED = "token_issued"  # noqa: S105 - an event name, not a secret
TOKEN_REVOKED = "token_revoked"  # noqa: S105
ROLE_CHANGED = "role_changed"
#: The back office: an owner sets an account's password; an account's e-mail or active flag.
PASSWORD_SET = "password_set"  # noqa: S105 - an event name, not a secret
ACCOUNT_CHANGED = "account_changed"
SETTINGS_CHANGED = "settings_changed"
WEBHOOK_SECRET_ROTATED = "webhook_secret_rotated"  # noqa: S105
REFUND_CREATED = "refund_created"
TENANT_SUSPENDED = "tenant_suspended"
TENANT_REACTIVATED = "tenant_reactivated"
WEBHOOK_SIGNATURE_FAILED = "webhook_signature_failed"
PERMISSION_DENIED = "permission_denied"
DATA_EXPORTED = "data_exported"
DATA_ERASED = "data_erased"
API_KEY_CREATED = "api_key_created"
API_KEY_REVOKED = "api_key_revoked"
PASSWORD_RESET_REQUESTED = "password_reset_requested"  # noqa: S105
PASSWORD_RESET_COMPLETED = "password_reset_completed"  # noqa: S105
OTP_ENABLED = "otp_enabled"
OTP_DISABLED = "otp_disabled"
#: In the platform's audit only (tenant NULL): a tenant offboarded with ``delete_tenant``.
TENANT_DELETED = "tenant_deleted"

TYPES = (
    SIGN_IN_SUCCEEDED,
    SIGN_IN_FAILED,
    LOCKED_OUT,
    TOKEN_ISSUED,
    TOKEN_REVOKED,
    ROLE_CHANGED,
    PASSWORD_SET,
    ACCOUNT_CHANGED,
    SETTINGS_CHANGED,
    WEBHOOK_SECRET_ROTATED,
    REFUND_CREATED,
    TENANT_SUSPENDED,
    TENANT_REACTIVATED,
    WEBHOOK_SIGNATURE_FAILED,
    PERMISSION_DENIED,
    DATA_EXPORTED,
    DATA_ERASED,
    API_KEY_CREATED,
    API_KEY_REVOKED,
    PASSWORD_RESET_REQUESTED,
    PASSWORD_RESET_COMPLETED,
    OTP_ENABLED,
    OTP_DISABLED,
    TENANT_DELETED,
)

_USER_AGENT_LENGTH = 512


def email_hash(email: str) -> str:
    """Return the keyed hash (HMAC-SHA256) an entry keeps of an e-mail naming no account.

    The key is ``EMPORIUM_AUDIT_HASH_KEY`` (by default derived from ``SECRET_KEY``): the same
    address hashes alike in every entry, so repeated failures show, and without the key the
    hash cannot be checked against a list of addresses.
    """
    return salted_hmac(
        "emporium.identity.audit.email",
        normalize_email(email),
        secret=settings.EMPORIUM_AUDIT_HASH_KEY or settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the address the request came from: behind trusted proxies the one they forwarded
    (``EMPORIUM_TRUSTED_PROXIES``), as the throttles read it; ``None`` if it is no address."""
    return http_client_ip(request) if request is not None else None


def user_agent(request: HttpRequest | None) -> str:
    """Return the request's ``User-Agent`` header, cut to what an entry keeps."""
    if request is None:
        return ""
    return str(request.META.get("HTTP_USER_AGENT", ""))[:_USER_AGENT_LENGTH]


def _django_request(request: Any) -> HttpRequest | None:
    # A DRF Request wraps Django's; with none given, the request being served (if any).
    if request is None:
        request = current_request()
    django: HttpRequest | None = getattr(request, "_request", request)
    return django


def record(
    event: str,
    *,
    request: Any = None,
    user_id: UUID | None = None,
    email: str = "",
    platform: bool = False,
    using: str = DEFAULT_DB_ALIAS,
    **detail: Any,
) -> AuditEvent:
    """Log and store a security event of the current tenant (of the platform with ``platform``
    or outside any tenant).

    ``request`` (Django's or DRF's; by default the request being served) gives the address, user
    agent; ``using`` is the connection (the transaction) the entry is written in; ``user_id`` is
    who acted (or whose sign-in it was); ``email`` is only for an event
    that names no account: it is stored as ``email_hash``, never as such. ``detail`` must hold
    no personal data and no secret (ids, keys that changed, amounts).
    """
    if event not in TYPES:
        raise ValueError(f"unknown audit type {event!r}")
    http = _django_request(request)
    tenant = None if platform else current_tenant()
    hashed = email_hash(email) if email and user_id is None else ""
    row = AuditEvent.objects.using(using).create(
        tenant_id=tenant.id if tenant else None,
        event=event,
        user_id=user_id,
        email_hash=hashed,
        ip_address=client_ip(http),
        user_agent=user_agent(http),
        request_id=request_id_var.get() if request_id_var.get() != "-" else "",
        detail=detail,
    )
    logger.info(
        "security event %s",
        event,
        extra={
            "security_event": event,
            "user_id": str(user_id) if user_id else None,
            "email_hash": hashed or None,
            "ip": row.ip_address,
            "detail": detail,
        },
    )
    return row


def prune_audit(before: datetime, using: str = "admin") -> int:
    """Retention: delete every tenant's and the platform's entries older than ``before``."""
    with maintenance("retention", using):
        deleted, _ = AuditEvent.everywhere.using(using).filter(occurred_at__lt=before).delete()
    return deleted


def scrub_account(account_id: UUID, email: str = "", using: str = DEFAULT_DB_ALIAS) -> int:
    """Erasure: keep the account's entries of the current tenant with its id only (no address,
    no user agent), and drop the hash of its ``email`` from entries that name no account (failed
    sign-ins for it); return how many entries were scrubbed."""
    entries = Q(user_id=account_id)
    if email:
        entries |= Q(user_id__isnull=True, email_hash=email_hash(email))
    with maintenance("erasure", using):
        return (
            AuditEvent.objects.using(using)
            .filter(entries)
            .update(ip_address=None, user_agent="", email_hash="")
        )


def delete_tenant_entries(tenant_id: UUID, using: str = "admin") -> int:
    """Offboarding: delete every entry of the tenant (the platform's entries stay)."""
    with maintenance("offboarding", using):
        deleted, _ = AuditEvent.everywhere.using(using).filter(tenant_id=tenant_id).delete()
    return deleted
