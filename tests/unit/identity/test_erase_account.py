"""Account.erase: only customers, who keep their id and lose their e-mail and name."""

from __future__ import annotations

from uuid import UUID

import pytest

from emporium.identity.domain.account import Account, NotErasable, erased_email
from emporium.identity.domain.events import CustomerErased
from emporium.identity.domain.roles import Role

ID = UUID("5eeca406-dbab-429a-9c50-1f2240821906")


def test_a_customer_is_erased_and_says_so_in_an_event() -> None:
    account = Account(
        id=ID, email="ann@shop.example", name="Ann Lee", role=Role.CUSTOMER, version=1
    )

    account.erase()

    assert (account.email, account.name) == (f"erased-{ID}@erased.invalid", "")
    (event,) = account.pull_events()
    assert isinstance(event, CustomerErased)
    assert (event.type, event.aggregate_id, event.aggregate_version, event.customer_id) == (
        "identity.customer_erased",
        str(ID),
        2,
        str(ID),
    )


@pytest.mark.parametrize("role", [Role.OWNER, Role.STAFF])
def test_owners_and_staff_are_not_erasable(role: Role) -> None:
    account = Account(id=ID, email="boss@shop.example", name="Boss", role=role, version=1)

    with pytest.raises(NotErasable) as refused:
        account.erase()

    assert refused.value.code == "not-erasable"
    assert (account.email, account.name, account.pull_events()) == ("boss@shop.example", "Boss", [])


def test_the_erased_address_is_unique_per_account_and_reserved() -> None:
    assert erased_email(ID) == "erased-5eeca406-dbab-429a-9c50-1f2240821906@erased.invalid"
