"""Who an account is, for other contexts' lists: e-mail and name by id, ids by e-mail or name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Q

from emporium.identity.models import User


@dataclass(frozen=True)
class AccountCard:
    """What a list shows of an account."""

    email: str
    name: str


def account_cards(account_ids: Iterable[UUID]) -> dict[UUID, AccountCard]:
    """Return the e-mail and name of each of the current tenant's accounts in ``account_ids``,
    in one query; an id of no account here is absent."""
    ids = set(account_ids)
    if not ids:
        return {}
    found = User.objects.filter(pk__in=ids).values_list("id", "email", "name")
    return {pk: AccountCard(email, name) for pk, email, name in found}


def accounts_matching(text: str) -> list[UUID]:
    """Return the ids of the current tenant's accounts whose e-mail or name contains ``text``
    (any case), in one query."""
    text = text.strip()
    if not text:
        return []
    found = User.objects.filter(Q(email__icontains=text) | Q(name__icontains=text))
    return list(found.values_list("id", flat=True))
