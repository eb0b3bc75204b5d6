"""Ports of the identity context."""

from __future__ import annotations

from typing import Protocol

from emporium.identity.domain.account import Account
from emporium.shared_kernel.unit_of_work import UnitOfWork


class AccountRepository(Protocol):
    """Accounts of the current shop; every account it adds is tracked by the unit of work."""

    def email_taken(self, email: str) -> bool:
        """Return whether the shop has an account with this (normalized) e-mail."""
        ...

    def add(self, account: Account, password_hash: str) -> None:
        """Store a new account with its password hash; raise EmailTaken if it lost a race."""
        ...


class PasswordPolicy(Protocol):
    """The rules a new password must pass."""

    def check(self, password: str, email: str, name: str) -> list[str]:
        """Return what is wrong with ``password`` for this person; empty when it is fine."""
        ...


class PasswordHasher(Protocol):
    """One-way hashing of passwords for storage."""

    def hash(self, raw: str) -> str:
        """Return the stored form of ``raw``."""
        ...


class IdentityUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that holds the account repository."""

    @property
    def accounts(self) -> AccountRepository:
        """Return the account repository bound to this unit of work."""
        ...
