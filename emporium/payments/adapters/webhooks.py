"""Signed webhooks of payment providers (API.md "Webhooks").

A provider posts an event to ``/api/v1/webhooks/payments/{provider}/`` under the tenant it
concerns, signed with that tenant's webhook secret::

    X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">

A missing, malformed or wrong signature, or a ``t`` more than five minutes away from now, is
refused (401) before the body is even parsed, and nothing changes. The body of a verified
event is ``{"id": "<event id>", "type": "<event type>", "data": {...}}``; it is applied once
per (provider, event id): a repeat answers 200 ``duplicate`` and changes nothing.

Event types:

- ``payment.refunded``, data ``{"transaction_id", "amount": {"amount", "currency"}}``: a
  refund made at the provider is recorded on the payment (PaymentRefunded), never more than
  is left of the capture (422 ``refund-exceeds-capture``, nothing recorded).
- ``payment.captured``, data ``{"transaction_id", "amount"?}``: confirms the capture of a
  payment already captured here; nothing changes (idempotent). A different amount, or a
  payment that was not captured, is 422 ``capture-mismatch``.
- any other type is answered 200 ``ignored`` and not recorded, so that providers may send
  events this shop does not use.

A ``transaction_id`` that names no payment of the provider is 404 and not recorded: the
provider retries, which covers an event that overtook the commit of its payment.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from emporium.payments import bootstrap
from emporium.payments import models as rows
from emporium.payments.domain.payment import PaymentStatus
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput, NotFound
from emporium.shared_kernel.money import Money

#: Seconds a signature's timestamp may be away from now, either way.
TOLERANCE = 300

REFUNDED = "payment.refunded"
CAPTURED = "payment.captured"
HANDLED = frozenset({REFUNDED, CAPTURED})

_CONFIRMABLE = frozenset(
    {PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)


class InvalidSignature(Exception):
    """The webhook's signature is missing, malformed, wrong or out of tolerance."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under ``secret``."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """Return the ``X-Signature`` value a provider sends for ``body`` at ``timestamp``."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def parse_signature_header(header: str | None) -> tuple[int, list[str]]:
    """Return the header's timestamp and its ``v1`` signatures; raise ``InvalidSignature``."""
    if not header:
        raise InvalidSignature("The X-Signature header is missing.")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise InvalidSignature("The X-Signature header is malformed.")
        if key == "t":
            if timestamp is not None or not (value.isascii() and value.isdigit()):
                raise InvalidSignature("The X-Signature header is malformed.")
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidSignature("The X-Signature header is malformed.")
    return timestamp, signatures


def verify(
    header: str | None, body: bytes, secret: str, now: float, tolerance: int = TOLERANCE
) -> None:
    """Return if ``header`` signs ``body`` with ``secret`` within ``tolerance`` of ``now``."""
    timestamp, signatures = parse_signature_header(header)
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("The X-Signature timestamp is too far from now.")
    if not secret:
        raise InvalidSignature("The X-Signature does not match.")
    expected = signature(secret, timestamp, body)
    # Compare every candidate in constant time; no early exit on the first mismatch.
    matched = False
    for candidate in signatures:
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise InvalidSignature("The X-Signature does not match.")


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    type: str
    data: dict[str, Any]


def parse_event(body: bytes) -> Event:
    """Return the event in a verified body; raise ``InvalidInput`` if it is not one."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # Recursion: nested too deeply
        raise InvalidInput("The event is not JSON.", errors={"body": ["Not JSON."]}) from None
    errors: dict[str, list[str]] = {}
    if not isinstance(document, dict):
        raise InvalidInput("The event must be a JSON object.", errors={"body": ["Not an object."]})
    event_id, event_type = document.get("id"), document.get("type")
    data = document.get("data", {})
    if not isinstance(event_id, str) or not event_id or len(event_id) > 200 or "\x00" in event_id:
        errors["id"] = ["Give the event id (1 to 200 characters, no NUL)."]
    if not isinstance(event_type, str) or not event_type or len(event_type) > 100:
        errors["type"] = ["Give the event type."]
    if not isinstance(data, dict):
        errors["data"] = ["The event data must be an object."]
    if errors:
        raise InvalidInput("The event is invalid.", errors=errors)
    assert isinstance(event_id, str)
    assert isinstance(event_type, str)
    assert isinstance(data, dict)
    return Event(event_id, event_type, data)


def _transaction_id(event: Event) -> str:
    value = event.data.get("transaction_id")
    if not isinstance(value, str) or not value or "\x00" in value:  # PostgreSQL text holds no NUL
        raise InvalidInput(
            "The event names no transaction.",
            errors={"data.transaction_id": ["Give the provider's transaction id."]},
        )
    return value


def _amount(event: Event, *, required: bool) -> Money | None:
    raw = event.data.get("amount")
    if raw is None and not required:
        return None
    try:
        if not isinstance(raw, dict):
            raise TypeError("not an object")
        return Money.from_dict(raw)
    except (TypeError, ValueError):
        raise InvalidInput(
            "The event's amount is invalid.",
            errors={"data.amount": ['Give {"amount": "<decimal>", "currency": "<code>"}.']},
        ) from None


def apply_event(provider: str, event: Event, now: datetime) -> str:
    """Apply a verified event of ``provider`` once; return applied, duplicate or ignored."""
    if event.type not in HANDLED:
        return "ignored"
    transaction_id = _transaction_id(event)
    amount = _amount(event, required=event.type == REFUNDED)
    uow = bootstrap.unit_of_work()
    with uow:
        try:
            with transaction.atomic(using=uow.using):
                rows.ProcessedWebhook(
                    provider=provider, event_id=event.id, event_type=event.type
                ).save(using=uow.using, force_insert=True)
        except IntegrityError:
            return "duplicate"  # the unit of work rolls back: nothing changes
        payment_id = (
            rows.Payment.objects.db_manager(uow.using)
            .filter(method=provider, transaction_id=transaction_id)
            .values_list("pk", flat=True)
            .first()
        )
        payment = None if payment_id is None else uow.payments.get_for_update(payment_id)
        if payment is None:
            raise NotFound(f"No {provider} payment has the transaction {transaction_id!r}.")
        if event.type == REFUNDED:
            payment.refund(amount, now)  # never above what is left of the capture
            uow.payments.save(payment)
        elif payment.status not in _CONFIRMABLE or (
            amount is not None and amount != payment.amount
        ):
            raise BusinessRuleViolation(
                "The event does not match the payment's capture.", code="capture-mismatch"
            )
        uow.commit()
    return "applied"
