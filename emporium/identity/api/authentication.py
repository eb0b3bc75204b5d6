"""DRF authentication by bearer token: 401 with ``WWW-Authenticate: Bearer``, never 403."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from emporium.identity.adapters.tokens import find_active_token
from emporium.identity.models import AccessToken, User
from emporium.multitenancy.context import current_tenant


class BearerTokenAuthentication(BaseAuthentication):
    """Authenticate ``Authorization: Bearer <token>`` against the current tenant's tokens."""

    def authenticate(self, request: Request) -> tuple[User, AccessToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise AuthenticationFailed("Malformed bearer token.")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed("Malformed bearer token.") from exc
        # A token is bound to its tenant: on another tenant (or on no tenant) it does not exist.
        token = find_active_token(raw) if current_tenant() is not None else None
        if token is None or not token.user.is_active:
            raise AuthenticationFailed("Invalid or expired token.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'

    def __repr__(self, *args: Any) -> str:
        return "BearerTokenAuthentication()"
