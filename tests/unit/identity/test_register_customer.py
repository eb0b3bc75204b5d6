"""Registration with an in-memory account repository, fake policy and hasher, fake unit of work."""

from __future__ import annotations

import pytest

from emporium.identity.application.register_customer import RegisterCustomer, register_customer
from emporium.identity.domain.account import Account, EmailTaken
from emporium.identity.domain.events import CustomerRegistered
from emporium.identity.domain.roles import Role
from emporium.shared_kernel.errors import InvalidInput
from emporium.shared_kernel.messagebus import MessageBus
from tests.fakes.unit_of_work import FakeUnitOfWork


class InMemoryAccounts:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.rows: dict[str, tuple[Account, str]] = {}

    def email_taken(self, email: str) -> bool:
        return email in self.rows

    def add(self, account: Account, password_hash: str) -> None:
        if account.email in self.rows:
            raise EmailTaken("taken")
        self.rows[account.email] = (account, password_hash)
        self.uow.track(account)


class FakeIdentityUnitOfWork(FakeUnitOfWork):
    def __init__(self, bus: MessageBus | None = None) -> None:
        super().__init__(bus, tenant="acme")
        self.accounts = InMemoryAccounts(self)


class ShortPasswordsRefused:
    """A policy with one rule: at least 10 characters, and not the e-mail's local part."""

    def __init__(self) -> None:
        self.checked: list[tuple[str, str, str]] = []

    def check(self, password: str, email: str, name: str) -> list[str]:
        self.checked.append((password, email, name))
        problems = []
        if len(password) < 10:
            problems.append("Too short.")
        if password == email.split("@")[0]:
            problems.append("Too similar to the e-mail.")
        return problems


class ReversingHasher:
    def hash(self, raw: str) -> str:
        return "rev$" + raw[::-1]


STRONG = "correct horse 42"


def register(uow: FakeIdentityUnitOfWork, policy=None, **fields: str) -> Account:
    values = {"email": "ada@example.com", "password": STRONG, "name": "Ada Lovelace", **fields}
    return register_customer(
        RegisterCustomer(**values), uow, policy or ShortPasswordsRefused(), ReversingHasher()
    )


def test_registration_stores_a_customer_with_the_hashed_password_and_publishes_the_event() -> None:
    uow = FakeIdentityUnitOfWork()

    account = register(uow)

    assert (account.email, account.name, account.role) == (
        "ada@example.com",
        "Ada Lovelace",
        Role.CUSTOMER,
    )
    assert uow.accounts.rows == {"ada@example.com": (account, "rev$24 esroh tcerroc")}
    assert [(e.type, e.tenant, e.aggregate_id, e.payload) for e in uow.outbox] == [
        (
            "identity.customer_registered",
            "acme",
            str(account.id),
            {"email": "ada@example.com", "name": "Ada Lovelace"},
        )
    ]


def test_the_email_is_trimmed_and_lower_cased_and_the_name_trimmed() -> None:
    uow = FakeIdentityUnitOfWork()

    account = register(uow, email="  Ada@Example.COM ", name="  Ada  ")

    assert (account.email, account.name) == ("ada@example.com", "Ada")
    assert list(uow.accounts.rows) == ["ada@example.com"]


def test_the_policy_sees_the_normalized_email_and_name() -> None:
    policy = ShortPasswordsRefused()

    register(FakeIdentityUnitOfWork(), policy, email=" Ada@Example.com", name=" Ada ")

    assert policy.checked == [(STRONG, "ada@example.com", "Ada")]


def test_a_weak_password_is_invalid_input_on_password_and_nothing_is_stored() -> None:
    uow = FakeIdentityUnitOfWork()

    with pytest.raises(InvalidInput) as refused:
        register(uow, password="ada")

    assert refused.value.errors == {"password": ["Too short.", "Too similar to the e-mail."]}
    assert (uow.accounts.rows, uow.outbox) == ({}, [])


def test_an_email_taken_in_the_shop_is_refused_whatever_its_case() -> None:
    uow = FakeIdentityUnitOfWork()
    first = register(uow)
    published = list(uow.outbox)

    with pytest.raises(EmailTaken) as refused:
        register(uow, email="ADA@example.com", name="Someone Else")

    assert refused.value.code == "email-taken"
    assert uow.accounts.rows == {"ada@example.com": (first, "rev$24 esroh tcerroc")}
    assert uow.outbox == published


def test_a_weak_password_is_reported_before_a_taken_email() -> None:
    uow = FakeIdentityUnitOfWork()
    register(uow)

    with pytest.raises(InvalidInput) as refused:
        register(uow, password="short")

    assert list(refused.value.errors) == ["password"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "no-at-sign"}, "email"),
        ({"email": "@example.com"}, "email"),
        ({"name": "   "}, "name"),
        ({"name": "Ada\nBcc: eve@example.com"}, "name"),
        ({"name": "A" * 201}, "name"),
    ],
)
def test_a_bad_email_or_name_is_invalid_input_on_that_field(fields, field) -> None:
    uow = FakeIdentityUnitOfWork()

    with pytest.raises(InvalidInput) as refused:
        register(uow, **fields)

    assert list(refused.value.errors) == [field]
    assert uow.outbox == []


def test_the_welcome_handler_runs_once_after_the_commit() -> None:
    bus = MessageBus()
    seen: list[str] = []
    bus.register(CustomerRegistered, lambda event: seen.append(event.email))

    register(FakeIdentityUnitOfWork(bus))

    assert seen == ["ada@example.com"]


def test_the_command_keeps_the_password_out_of_its_repr() -> None:
    cmd = RegisterCustomer(email="ada@example.com", password=STRONG, name="Ada")

    assert STRONG not in repr(cmd)
