"""The account repository on the ORM: rows of the current tenant, a lost race is email-taken."""

from __future__ import annotations

import pytest

from emporium.identity.adapters.repository import DjangoIdentityUnitOfWork
from emporium.identity.domain.account import Account, EmailTaken
from emporium.identity.domain.roles import Role
from emporium.identity.models import User
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import tenant_context
from emporium.shared_kernel.messagebus import MessageBus

pytestmark = pytest.mark.django_db


def add(account: Account, password_hash: str = "md5$salt$hash") -> None:
    uow = DjangoIdentityUnitOfWork(MessageBus())
    with uow:
        uow.accounts.add(account, password_hash)
        uow.commit()


def test_an_account_is_stored_as_a_row_of_the_current_tenant(acme_and_globex) -> None:
    acme, globex = acme_and_globex
    account = Account.register_customer("ada@example.com", "Ada")

    with tenant_context(acme):
        add(account)
        row = User.objects.get(email="ada@example.com")

    assert (row.id, row.tenant_id, row.name, row.role, row.password) == (
        account.id,
        acme.id,
        "Ada",
        "customer",
        "md5$salt$hash",
    )
    with tenant_context(globex):
        assert not User.objects.filter(email="ada@example.com").exists()
    [event] = OutboxMessage.objects.filter(type="identity.customer_registered")
    assert (event.tenant, event.aggregate_id) == ("acme", str(account.id))


def test_email_taken_looks_in_the_current_tenant_only(acme_and_globex) -> None:
    acme, globex = acme_and_globex
    with tenant_context(globex):
        add(Account.register_customer("ada@example.com", "Ada"))

    with tenant_context(acme):
        uow = DjangoIdentityUnitOfWork(MessageBus())
        with uow:
            in_acme = uow.accounts.email_taken("ada@example.com")
    with tenant_context(globex):
        uow = DjangoIdentityUnitOfWork(MessageBus())
        with uow:
            in_globex = uow.accounts.email_taken("ada@example.com")

    assert (in_acme, in_globex) == (False, True)


def test_an_email_taken_between_the_check_and_the_insert_is_email_taken(acme_and_globex) -> None:
    acme, _ = acme_and_globex
    with tenant_context(acme):
        User.objects.create_user("ada@example.com", "correct horse 42", role=Role.CUSTOMER)

        with pytest.raises(EmailTaken):
            add(Account.register_customer("ada@example.com", "Second Ada"))

        # The lost insert rolled back to its savepoint: the transaction still works.
        assert list(User.objects.values_list("name", flat=True)) == [""]
    assert not OutboxMessage.objects.filter(type="identity.customer_registered").exists()
