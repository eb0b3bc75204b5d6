"""A customer's data in the shared tables: the outbox, delivery failures, idempotency keys.

The callers (the composition's erasure) name the person's aggregates (the account, its orders)
and every string that identified them; these functions scrub the copies the shared tables keep.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from uuid import UUID

from emporium.infrastructure.http.models import IdempotencyRecord
from emporium.infrastructure.messaging.models import DeliveryFailure
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.shared_kernel.text_scrubbing import scrub_json, scrub_text


def scrub_messages(
    tenant: str,
    aggregate_ids: Collection[str],
    values: Iterable[str],
    replacements: Mapping[str, str] | None = None,
) -> int:
    """Scrub ``values`` from the tenant's outbox payloads and delivery failures of
    ``aggregate_ids``, and from any of its recorded errors; return the rows changed.

    A JSON string equal to a value becomes ``[erased]``, or its entry in ``replacements``.
    """
    values = set(values)
    replacements = dict(replacements or {})
    changed = 0
    outbox = OutboxMessage.objects.filter(tenant=tenant, aggregate_id__in=list(aggregate_ids))
    for row in outbox.only("id", "payload", "last_error"):
        payload = scrub_json(row.payload, values, replacements)
        error = scrub_text(row.last_error, values)
        if (payload, error) != (row.payload, row.last_error):
            OutboxMessage.objects.filter(pk=row.pk).update(payload=payload, last_error=error)
            changed += 1
    for row in OutboxMessage.objects.filter(tenant=tenant).exclude(last_error=""):
        error = scrub_text(row.last_error, values)
        if error != row.last_error:
            OutboxMessage.objects.filter(pk=row.pk).update(last_error=error)
            changed += 1
    for failure in DeliveryFailure.objects.filter(tenant=tenant):
        envelope = _scrub_envelope(failure.envelope, values, replacements)
        error = scrub_text(failure.last_error, values)
        if (envelope, error) != (failure.envelope, failure.last_error):
            DeliveryFailure.objects.filter(pk=failure.pk).update(
                envelope=envelope, last_error=error
            )
            changed += 1
    return changed


def forget_stored_answers(user_id: UUID) -> int:
    """Delete the stored answers of the account's idempotent requests; return how many."""
    deleted, _ = IdempotencyRecord.objects.filter(user_id=user_id).delete()
    return deleted


def _scrub_envelope(text: str, values: set[str], replacements: dict[str, str]) -> str:
    try:
        document = json.loads(text)
    except ValueError:
        return scrub_text(text, values)  # not JSON (a message that could not be parsed)
    scrubbed = scrub_json(document, values, replacements)
    return text if scrubbed == document else json.dumps(scrubbed)


def recorded_event_ids(tenant: str, aggregate_ids: Collection[str]) -> list[UUID]:
    """Return the ids of the events of ``aggregate_ids`` the outbox still holds."""
    rows = OutboxMessage.objects.filter(tenant=tenant, aggregate_id__in=list(aggregate_ids))
    return list(rows.values_list("id", flat=True))
