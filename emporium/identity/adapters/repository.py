"""Accounts on the ORM, mapped explicitly from the aggregate to ``User`` rows."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from emporium.identity.domain.account import Account, EmailTaken
from emporium.identity.models import User
from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from emporium.multitenancy.context import current_tenant_slug, require_tenant
from emporium.shared_kernel.messagebus import MessageBus


def from_domain(account: Account, password_hash: str) -> User:
    """Return the unsaved row of a new account of the current tenant."""
    return User(
        id=account.id,
        tenant_id=require_tenant().id,
        email=account.email,
        name=account.name,
        role=account.role.value,
        password=password_hash,
    )


class DjangoAccountRepository:
    """Implement ``AccountRepository`` on the tenant-scoped ``User`` manager."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow

    def email_taken(self, email: str) -> bool:
        return User.objects.using(self.uow.using).filter(email=email).exists()

    def add(self, account: Account, password_hash: str) -> None:
        try:
            # A savepoint of its own, so the transaction stays usable after a lost race.
            with transaction.atomic(using=self.uow.using):
                from_domain(account, password_hash).save(using=self.uow.using, force_insert=True)
        except IntegrityError:
            # Another registration of this e-mail committed between the check and the insert.
            if self.email_taken(account.email):
                raise EmailTaken("This shop has an account with that e-mail already.") from None
            raise
        self.uow.track(account)


class DjangoIdentityUnitOfWork(DjangoUnitOfWork):
    """The unit of work of identity use cases: the app's connection, the account repository."""

    def __init__(self, bus: MessageBus, using: str = "default") -> None:
        super().__init__(bus, tenant=current_tenant_slug, using=using)
        self.accounts = DjangoAccountRepository(self)
