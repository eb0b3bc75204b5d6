"""Change an account's role in its shop: owners only, never the shop's last owner role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from emporium.identity.domain.roles import Role, check_role_change
from emporium.shared_kernel.errors import Forbidden, NotFound


@dataclass(frozen=True)
class AccountRole:
    """What the use case needs of an account: who it is and its role (None for operators)."""

    id: UUID
    email: str
    role: Role | None


class AccountRoles(Protocol):
    """The current shop's accounts, as far as their roles go."""

    def lock_owners(self) -> int:
        """Return how many owners the shop has, holding them until the transaction ends."""
        ...

    def get(self, account_id: UUID) -> AccountRole | None:
        """Return the shop's account ``account_id``, or None."""
        ...

    def set_role(self, account_id: UUID, role: Role) -> None:
        """Store ``role`` as the account's role."""
        ...


class RoleChangeLog(Protocol):
    """Where a role change is recorded (the security audit log)."""

    def role_changed(self, actor: AccountRole, account: AccountRole, new: Role) -> None:
        """Record that ``actor`` changed ``account``'s role to ``new``."""
        ...


@dataclass(frozen=True)
class ChangeRole:
    actor_id: UUID
    account_id: UUID
    role: Role


def change_role(cmd: ChangeRole, accounts: AccountRoles, log: RoleChangeLog) -> bool:
    """Give the account ``cmd.role``; return whether it changed. Raise ``Forbidden`` unless the
    actor is an owner, ``BusinessRuleViolation`` when the shop would lose its last owner."""
    # Owners first, locked: two owners demoting each other at once must not both pass.
    owners = accounts.lock_owners()
    actor = accounts.get(cmd.actor_id)
    account = accounts.get(cmd.account_id)
    if actor is None or account is None:
        raise NotFound("No such account in this shop.")
    if actor.role is None or account.role is None:
        raise Forbidden("Only owners change roles.")
    check_role_change(actor.role, actor.id == account.id, account.role, cmd.role, owners)
    if account.role is cmd.role:
        return False
    accounts.set_role(account.id, cmd.role)
    log.role_changed(actor, account, cmd.role)
    return True
