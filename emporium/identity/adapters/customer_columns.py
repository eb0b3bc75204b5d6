"""Back-office columns for rows that name a customer by ``customer_id``: e-mail, name, search."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from emporium.identity.adapters.directory import AccountCard, account_cards, accounts_matching


class CustomerColumns:
    """Mix into a ``TenantModelAdmin`` (before it) whose model has a ``customer_id``.

    The page's customers are asked once (``describe_rows``), the columns ``customer`` and
    ``customer_name`` show them, and the search also finds rows by their customer's e-mail or name.
    """

    def describe_rows(self, request: HttpRequest, rows: list[Any]) -> None:
        cards = account_cards({row.customer_id for row in rows})
        for row in rows:
            row.customer_card = cards.get(row.customer_id)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        found, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        customers = accounts_matching(search_term)
        if customers:
            found = found | queryset.filter(customer_id__in=customers)
        return found, may_have_duplicates

    @admin.display(description="customer")
    def customer(self, row: Any) -> str:
        card = _card(row)
        return card.email if card else str(row.customer_id)

    @admin.display(description="name")
    def customer_name(self, row: Any) -> str:
        card = _card(row)
        return (card.name if card else "") or "-"


def _card(row: Any) -> AccountCard | None:
    """Return the row's customer: the page's (filled once by describe_rows), else asked."""
    if not hasattr(row, "customer_card"):
        row.customer_card = account_cards([row.customer_id]).get(row.customer_id)
    card: AccountCard | None = row.customer_card
    return card
