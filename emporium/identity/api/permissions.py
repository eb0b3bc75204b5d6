"""The permission layer every endpoint declares: tenant, sign-in, role, ownership.

Checks answer in the order of API.md: 401 (no or bad credentials), 404 (not visible to this
caller in this tenant), 403 (visible, but the role may not), then validation. A role check on
an endpoint about one object therefore waits for the object (``has_object_permission``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:
    from rest_framework.views import APIView

from emporium.identity.domain.roles import Role


def _role_of(request: Request) -> Role | None:
    user = request.user
    return getattr(user, "role_enum", None) if user is not None else None


class SignedIn(BasePermission):
    """Any account of this tenant, signed in."""

    message = "Sign in first."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return bool(request.user and request.user.is_authenticated)


class _Roles(SignedIn):
    roles: frozenset[Role] = frozenset()
    message = "Your role may not do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        if not super().has_permission(request, view):
            return False
        if view.kwargs.get(getattr(view, "lookup_url_kwarg", None) or "pk"):
            return True  # decided once the object is found: 404 before 403
        return _role_of(request) in self.roles

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return _role_of(request) in self.roles


def roles(*allowed: Role) -> type[BasePermission]:
    """Return a permission class admitting signed-in accounts with one of ``allowed``."""
    names = "".join(role.value.title() for role in allowed)
    return type(f"Roles{names}", (_Roles,), {"roles": frozenset(allowed)})


#: The shop's owners and staff: every role whose ``manages_shop`` is true.
ShopStaff = roles(*(role for role in Role if role.manages_shop))
Owner = roles(Role.OWNER)
