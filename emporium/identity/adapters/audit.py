"""The security audit log: a structured log line and a row per event."""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from django.http import HttpRequest

from emporium.identity.models import AuditEvent
from emporium.infrastructure.logging import request_id_var
from emporium.multitenancy.context import current_tenant

logger = logging.getLogger("emporium.security")

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
LOCKED_OUT = "locked_out"
TOKEN_ISSUED = "token_issued"  # noqa: S105 - an event name, not a secret
TOKEN_REVOKED = "token_revoked"  # noqa: S105
PERMISSION_DENIED = "permission_denied"
ROLE_CHANGED = "role_changed"


def client_ip(request: HttpRequest | None) -> str | None:
    """Return the address the request came from (the proxy sets it in production)."""
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    event: str,
    *,
    request: HttpRequest | None = None,
    user_id: UUID | None = None,
    email: str = "",
    **detail: Any,
) -> AuditEvent:
    """Log and store a security event of the current tenant (or of the platform)."""
    tenant = current_tenant()
    row = AuditEvent.objects.create(
        tenant_id=tenant.id if tenant else None,
        event=event,
        user_id=user_id,
        email=email[:254],
        ip_address=client_ip(request),
        request_id=request_id_var.get(),
        detail=detail,
    )
    logger.info(
        "security event %s",
        event,
        extra={
            "security_event": event,
            "user_id": str(user_id) if user_id else None,
            "email": email,
            "ip": row.ip_address,
            "detail": detail,
        },
    )
    return row
