"""change_role with in-memory accounts and log: owners only, the last owner stays, one entry."""

from __future__ import annotations

from uuid import UUID, uuid4

import pytest

from emporium.identity.application.change_role import AccountRole, ChangeRole, change_role
from emporium.identity.domain.roles import Role
from emporium.shared_kernel.errors import BusinessRuleViolation, Forbidden, NotFound


class InMemoryAccountRoles:
    def __init__(self, *accounts: AccountRole) -> None:
        self.rows = {account.id: account for account in accounts}
        self.locked = 0

    def lock_owners(self) -> int:
        self.locked += 1
        return sum(1 for account in self.rows.values() if account.role is Role.OWNER)

    def get(self, account_id: UUID) -> AccountRole | None:
        return self.rows.get(account_id)

    def set_role(self, account_id: UUID, role: Role) -> None:
        old = self.rows[account_id]
        self.rows[account_id] = AccountRole(old.id, old.email, role)


class ListLog:
    def __init__(self) -> None:
        self.entries: list[tuple[str, str, Role | None, Role]] = []

    def role_changed(self, actor: AccountRole, account: AccountRole, new: Role) -> None:
        self.entries.append((actor.email, account.email, account.role, new))


def account(email: str, role: Role | None) -> AccountRole:
    return AccountRole(uuid4(), email, role)


OWNER = account("owner@acme.example", Role.OWNER)
SECOND_OWNER = account("second@acme.example", Role.OWNER)
STAFF = account("staff@acme.example", Role.STAFF)
CUSTOMER = account("pat@acme.example", Role.CUSTOMER)


def roles_of(accounts: InMemoryAccountRoles) -> dict[str, Role | None]:
    return {row.email: row.role for row in accounts.rows.values()}


def run(actor: AccountRole, target: AccountRole, role: Role, *others: AccountRole):
    accounts = InMemoryAccountRoles(*{a.id: a for a in (actor, target, *others)}.values())
    log = ListLog()
    return accounts, log, lambda: change_role(ChangeRole(actor.id, target.id, role), accounts, log)


def test_an_owner_makes_a_staff_account_owner_and_the_change_is_logged_once() -> None:
    accounts, log, act = run(OWNER, STAFF, Role.OWNER)

    assert act() is True

    assert roles_of(accounts) == {
        "owner@acme.example": Role.OWNER,
        "staff@acme.example": Role.OWNER,
    }
    assert log.entries == [("owner@acme.example", "staff@acme.example", Role.STAFF, Role.OWNER)]
    assert accounts.locked == 1


def test_an_owner_demotes_another_owner_while_one_remains() -> None:
    accounts, log, act = run(OWNER, SECOND_OWNER, Role.CUSTOMER)

    assert act() is True

    assert accounts.rows[SECOND_OWNER.id].role is Role.CUSTOMER
    assert log.entries == [("owner@acme.example", "second@acme.example", Role.OWNER, Role.CUSTOMER)]


def test_an_owner_steps_down_when_another_owner_remains() -> None:
    accounts, log, act = run(OWNER, OWNER, Role.STAFF, SECOND_OWNER)

    assert act() is True

    assert accounts.rows[OWNER.id].role is Role.STAFF
    assert log.entries == [("owner@acme.example", "owner@acme.example", Role.OWNER, Role.STAFF)]


def test_the_last_owner_cannot_demote_themselves() -> None:
    accounts, log, act = run(OWNER, OWNER, Role.STAFF, STAFF)

    with pytest.raises(BusinessRuleViolation) as refused:
        act()

    assert (refused.value.code, refused.value.detail) == (
        "last-owner",
        "That would remove your own last owner role.",
    )
    assert accounts.rows[OWNER.id].role is Role.OWNER
    assert log.entries == []


@pytest.mark.parametrize("actor", [STAFF, CUSTOMER], ids=["staff", "customer"])
@pytest.mark.parametrize("target", ["self", "other"])
def test_only_owners_change_roles_their_own_included(actor: AccountRole, target: str) -> None:
    subject = actor if target == "self" else CUSTOMER if actor is STAFF else STAFF
    accounts, log, act = run(actor, subject, Role.OWNER, OWNER)
    before = roles_of(accounts)

    with pytest.raises(Forbidden) as refused:
        act()

    assert refused.value.detail == "Only owners change roles."
    assert roles_of(accounts) == before
    assert log.entries == []


def test_an_unknown_account_is_not_found() -> None:
    accounts = InMemoryAccountRoles(OWNER)
    log = ListLog()

    with pytest.raises(NotFound):
        change_role(ChangeRole(OWNER.id, uuid4(), Role.STAFF), accounts, log)

    assert log.entries == []


def test_an_operator_has_no_role_to_change_with() -> None:
    operator = account("operator@example.com", None)
    accounts, log, act = run(operator, STAFF, Role.OWNER)

    with pytest.raises(Forbidden):
        act()

    assert accounts.rows[STAFF.id].role is Role.STAFF
    assert log.entries == []


def test_the_same_role_again_changes_nothing_and_logs_nothing() -> None:
    accounts, log, act = run(OWNER, STAFF, Role.STAFF)

    assert act() is False

    assert accounts.rows[STAFF.id].role is Role.STAFF
    assert log.entries == []
