"""Wire identity use cases to their adapters; views and commands call these."""

from __future__ import annotations

from emporium.identity.adapters.passwords import DjangoPasswordHasher, DjangoPasswordPolicy
from emporium.identity.adapters.repository import DjangoIdentityUnitOfWork
from emporium.identity.application import register_customer as registration
from emporium.identity.domain.account import Account
from emporium.infrastructure.bus import message_bus


def register_customer(cmd: registration.RegisterCustomer) -> Account:
    """Open a customer account in the current tenant."""
    return registration.register_customer(
        cmd, DjangoIdentityUnitOfWork(message_bus()), DjangoPasswordPolicy(), DjangoPasswordHasher()
    )
