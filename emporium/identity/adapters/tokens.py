"""Bearer tokens: random secrets shown once, stored as SHA-256, bound to a tenant, expiring."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from emporium.identity.models import AccessToken, User

PREFIX = "emp_"


def digest(raw: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, AccessToken]:
    """Create a token for ``user`` in the current tenant; return its secret and its row."""
    raw = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        key_hash=digest(raw),
        expires_at=timezone.now() + settings.EMPORIUM_TOKEN_TTL,
    )
    return raw, token


def find_active_token(raw: str) -> AccessToken | None:
    """Return the current tenant's unexpired, unrevoked token with secret ``raw``, or None."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    now: datetime = timezone.now()
    return (
        AccessToken.objects.select_related("user")
        .filter(key_hash=digest(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )


def revoke_token(token: AccessToken) -> None:
    """Revoke ``token`` from now on."""
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
