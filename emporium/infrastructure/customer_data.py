"""A customer's data in the shared tables: the outbox, delivery failures, idempotency keys.

The callers (the composition's erasure) name the person's aggregates (the account, its orders)
and every string that identified them; these functions scrub the copies the shared tables keep
of those aggregates, by the keys the registry declares (never other rows by value).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from uuid import UUID

from emporium.infrastructure.http.models import IdempotencyRecord
from emporium.infrastructure.messaging.models import DeliveryFailure
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.infrastructure.personal_data import SHARED
from emporium.shared_kernel.text_scrubbing import scrub_keys, scrub_text


def scrub_messages(
    tenant: str,
    aggregate_ids: Collection[str],
    values: Iterable[str],
    replacements: Mapping[str, str] | None = None,
) -> int:
    """Scrub the tenant's outbox rows and delivery failures of ``aggregate_ids`` (the person's
    account and orders); return the rows changed.

    Payloads lose the strings at the keys the registry declares (``SHARED``), whatever their
    value (an e-mail changed since is found too): each becomes ``[erased]``, or its entry in
    ``replacements`` (payload key to new value: an e-mail stays an e-mail). Those rows' errors
    lose ``values`` (the person's strings) as free text. Rows of other aggregates are not read:
    a neighbour's city is a string like the person's. A failure whose envelope is no JSON names
    no aggregate and is left as it is.
    """
    aggregates = set(aggregate_ids)
    values = set(values)
    replacements = dict(replacements or {})
    payload_keys = _declared_keys("infrastructure.OutboxMessage", "payload")
    envelope_keys = _declared_keys("infrastructure.DeliveryFailure", "envelope")
    in_envelope = {f"payload.{key}": new for key, new in replacements.items()}
    changed = 0
    outbox = OutboxMessage.objects.filter(tenant=tenant, aggregate_id__in=list(aggregates))
    for row in outbox.only("id", "payload", "last_error"):
        payload = scrub_keys(row.payload, payload_keys, replacements)
        error = scrub_text(row.last_error, values)
        if (payload, error) != (row.payload, row.last_error):
            OutboxMessage.objects.filter(pk=row.pk).update(payload=payload, last_error=error)
            changed += 1
    for failure in DeliveryFailure.objects.filter(tenant=tenant).only(
        "id", "envelope", "last_error"
    ):
        try:
            document = json.loads(failure.envelope)
        except ValueError:
            continue
        if not isinstance(document, dict) or document.get("aggregate_id") not in aggregates:
            continue
        scrubbed = scrub_keys(document, envelope_keys, in_envelope)
        envelope = failure.envelope if scrubbed == document else json.dumps(scrubbed)
        error = scrub_text(failure.last_error, values)
        if (envelope, error) != (failure.envelope, failure.last_error):
            DeliveryFailure.objects.filter(pk=failure.pk).update(
                envelope=envelope, last_error=error
            )
            changed += 1
    return changed


def _declared_keys(model: str, field: str) -> tuple[str, ...]:
    return tuple(
        key
        for entry in SHARED.fields
        if (entry.model, entry.field) == (model, field)
        for key in entry.keys
    )


def forget_stored_answers(user_id: UUID) -> int:
    """Delete the stored answers of the account's idempotent requests; return how many."""
    deleted, _ = IdempotencyRecord.objects.filter(user_id=user_id).delete()
    return deleted


def recorded_event_ids(tenant: str, aggregate_ids: Collection[str]) -> list[UUID]:
    """Return the ids of the events of ``aggregate_ids`` the outbox still holds."""
    rows = OutboxMessage.objects.filter(tenant=tenant, aggregate_id__in=list(aggregate_ids))
    return list(rows.values_list("id", flat=True))
