"""Wire identity use cases to their adapters; views and commands call these."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from emporium.identity.adapters.passwords import DjangoPasswordHasher, DjangoPasswordPolicy
from emporium.identity.adapters.repository import DjangoIdentityUnitOfWork
from emporium.identity.adapters.role_changes import AuditedRoleChanges, DjangoAccountRoles
from emporium.identity.application import change_role as role_change
from emporium.identity.application import register_customer as registration
from emporium.identity.domain.account import Account
from emporium.infrastructure.bus import message_bus


def register_customer(cmd: registration.RegisterCustomer) -> Account:
    """Open a customer account in the current tenant."""
    return registration.register_customer(
        cmd, DjangoIdentityUnitOfWork(message_bus()), DjangoPasswordPolicy(), DjangoPasswordHasher()
    )


def change_role(cmd: role_change.ChangeRole, request: HttpRequest | None = None) -> bool:
    """Change an account's role in one transaction; ``request`` is for the audit log."""
    with transaction.atomic():
        return role_change.change_role(cmd, DjangoAccountRoles(), AuditedRoleChanges(request))
