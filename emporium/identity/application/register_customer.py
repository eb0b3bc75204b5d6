"""Registration: anyone may open a customer account in a shop."""

from __future__ import annotations

from dataclasses import dataclass, field

from emporium.identity.application.ports import (
    IdentityUnitOfWork,
    PasswordHasher,
    PasswordPolicy,
)
from emporium.identity.domain.account import Account, EmailTaken
from emporium.shared_kernel.errors import InvalidInput


@dataclass(frozen=True)
class RegisterCustomer:
    email: str
    password: str = field(repr=False)  # never in a log line or a traceback
    name: str


def register_customer(
    cmd: RegisterCustomer, uow: IdentityUnitOfWork, policy: PasswordPolicy, hasher: PasswordHasher
) -> Account:
    """Open a customer account of the current shop; the role is always customer."""
    account = Account.register_customer(cmd.email, cmd.name)
    problems = policy.check(cmd.password, account.email, account.name)
    if problems:
        raise InvalidInput("The password is too weak.", errors={"password": problems})
    # Hashed before the transaction opens: Argon2 is slow on purpose, locks should not wait.
    password_hash = hasher.hash(cmd.password)
    with uow:
        if uow.accounts.email_taken(account.email):
            raise EmailTaken("This shop has an account with that e-mail already.")
        uow.accounts.add(account, password_hash)
        uow.commit()
    return account
