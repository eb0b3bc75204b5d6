"""Roles within a tenant and the rules about who may change them."""

from __future__ import annotations

from enum import StrEnum

from emporium.shared_kernel.errors import BusinessRuleViolation, Forbidden


class Role(StrEnum):
    OWNER = "owner"
    STAFF = "staff"
    CUSTOMER = "customer"

    @property
    def manages_shop(self) -> bool:
        """Return whether the role manages catalog, stock and all of the tenant's orders."""
        return self in {Role.OWNER, Role.STAFF}


def check_role_change(
    actor_role: Role, actor_is_target: bool, current: Role, new: Role, owners_left: int
) -> None:
    """Raise unless an actor of ``actor_role`` may change a role from ``current`` to ``new``.

    Only owners change roles; an owner never removes the tenant's last owner role, their own
    included. ``owners_left`` counts the owners the tenant has now.
    """
    if actor_role is not Role.OWNER:
        raise Forbidden("Only owners change roles.")
    if current is Role.OWNER and new is not Role.OWNER and owners_left <= 1:
        subject = "your own" if actor_is_target else "the tenant's"
        raise BusinessRuleViolation(
            f"That would remove {subject} last owner role.", code="last-owner"
        )
