"""``change_role`` on Django: roles on the ORM, each change in the security audit log."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest

from emporium.identity.adapters import audit
from emporium.identity.application.change_role import AccountRole
from emporium.identity.domain.roles import Role
from emporium.identity.models import User


class DjangoAccountRoles:
    """Implement ``AccountRoles`` on the current tenant's accounts (the manager scopes them)."""

    def lock_owners(self) -> int:
        owners = User.objects.select_for_update().filter(role=Role.OWNER.value)
        return len(owners.values_list("pk", flat=True))

    def get(self, account_id: UUID) -> AccountRole | None:
        row = User.objects.filter(pk=account_id).values_list("id", "email", "role").first()
        if row is None:
            return None
        return AccountRole(id=row[0], email=row[1], role=Role(row[2]) if row[2] else None)

    def set_role(self, account_id: UUID, role: Role) -> None:
        User.objects.filter(pk=account_id).update(role=role.value)


class AuditedRoleChanges:
    """Implement ``RoleChangeLog`` with an audit event naming the actor and the account."""

    def __init__(self, request: HttpRequest | None) -> None:
        self.request = request

    def role_changed(self, actor: AccountRole, account: AccountRole, new: Role) -> None:
        audit.record(
            audit.ROLE_CHANGED,
            request=self.request,
            user_id=actor.id,
            account_id=str(account.id),
            old=account.role.value if account.role else None,
            new=new.value,
        )
