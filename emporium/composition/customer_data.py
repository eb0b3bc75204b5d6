"""A customer's personal data across every context: one export document, one erasure.

Each context exports and erases what its declaration in the personal-data registry lists
(``<context>/adapters/personal_data.py``); this module asks each in turn through its public
module, inside the caller's transaction, so an erasure is whole or not at all.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from emporium.identity import public as identity
from emporium.infrastructure.customer_data import (
    forget_stored_answers,
    recorded_event_ids,
    scrub_messages,
)
from emporium.multitenancy.context import require_tenant
from emporium.notifications.public import notifications_sent
from emporium.ordering import public as ordering
from emporium.payments import public as payments

audit = identity.audit


def export_customer(account_id: UUID, *, actor_id: UUID, request: Any = None) -> dict[str, Any]:
    """Return everything the shop holds about the account; audited as asked by ``actor_id``.

    NotFound when the shop has no such account.
    """
    identity.person(account_id)
    audit.record(audit.DATA_EXPORTED, request=request, user_id=actor_id, account_id=str(account_id))
    orders = ordering.customer_orders(account_id)
    event_ids = [UUID(event["id"]) for order in orders for event in order["events"]]
    event_ids += recorded_event_ids(require_tenant().slug, [str(account_id)])
    return {
        "account": identity.account_document(account_id),
        "orders": orders,
        "payments": payments.customer_payments(account_id),
        "notifications": notifications_sent(event_ids),
        "audit": identity.audit_documents(account_id),
    }


def erase_customer(account_id: UUID, *, actor_id: UUID, request: Any = None) -> None:
    """Erase the customer's personal data everywhere; what accounting needs stays.

    NotFound when the shop has no such account; NotErasable (422) for owners and staff. The
    request is audited first, so an erasure of oneself leaves an entry with the id only.
    """
    person = identity.check_erasable(account_id)
    audit.record(audit.DATA_ERASED, request=request, user_id=actor_id, account_id=str(account_id))
    orders = ordering.erase_customer_addresses(account_id)
    values = person.personal_values | orders.personal_values
    payments.erase_card_digits(account_id)
    aggregates = [str(account_id), *(str(order_id) for order_id in orders.order_ids)]
    # An e-mail kept in a payload stays an e-mail (the event's contract says so).
    replacements = {"email": identity.erased_email(account_id)}
    scrub_messages(require_tenant().slug, aggregates, values, replacements)
    forget_stored_answers(account_id)
    identity.erase_account(account_id, values)
