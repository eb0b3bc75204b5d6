"""Use case: apply a payment provider's verified event once (API.md "Webhooks").

- ``payment.refunded``, data ``{"transaction_id", "amount": {"amount", "currency"}}``: a
  refund made at the provider is recorded on the payment (PaymentRefunded), never more than
  is left of the capture (422 ``refund-exceeds-capture``, nothing recorded).
- ``payment.captured``, data ``{"transaction_id", "amount"?}``: confirms the capture of a
  payment already captured here; nothing changes (idempotent). A different amount, or a
  payment that was not captured, is 422 ``capture-mismatch``.
- any other type is ``ignored`` and not recorded, so that providers may send events this shop
  does not use.

A ``transaction_id`` that names no payment of the provider is 404 and not recorded: the
provider retries, which covers an event that overtook the commit of its payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from emporium.payments.application.ports import Orders, PaymentsUnitOfWork
from emporium.payments.domain.payment import PaymentStatus
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput, NotFound
from emporium.shared_kernel.money import Money

REFUNDED = "payment.refunded"
CAPTURED = "payment.captured"
HANDLED = frozenset({REFUNDED, CAPTURED})

_CONFIRMABLE = frozenset(
    {PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED}
)

Outcome = Literal["applied", "duplicate", "ignored"]


@dataclass(frozen=True, slots=True)
class ProviderEvent:
    """A provider's event, its signature already verified."""

    id: str
    type: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ApplyWebhook:
    provider: str
    event: ProviderEvent


def apply_webhook(
    cmd: ApplyWebhook, uow: PaymentsUnitOfWork, orders: Orders, now: datetime
) -> Outcome:
    """Apply a verified event of ``cmd.provider`` once; return applied, duplicate or ignored."""
    provider, event = cmd.provider, cmd.event
    if event.type not in HANDLED:
        return "ignored"
    transaction_id = _transaction_id(event)
    amount = _amount(event, required=event.type == REFUNDED)
    with uow:
        if not uow.webhooks.record_once(provider, event.id, event.type):
            return "duplicate"  # left without commit: nothing changes
        payment = uow.payments.find_by_transaction_for_update(provider, transaction_id)
        if payment is None:
            raise NotFound(f"No {provider} payment has the transaction {transaction_id!r}.")
        if event.type == REFUNDED:
            refunded = payment.refund(amount, now)  # never above what is left of the capture
            # Made at the provider: the order learns of it as of a refund made here, unstocked.
            orders.record_refund(payment, payment.events[-1].event_id, refunded, now, restock=False)
            uow.payments.save(payment)
        elif payment.status not in _CONFIRMABLE or (
            amount is not None and amount != payment.amount
        ):
            raise BusinessRuleViolation(
                "The event does not match the payment's capture.", code="capture-mismatch"
            )
        uow.commit()
    return "applied"


def _transaction_id(event: ProviderEvent) -> str:
    value = event.data.get("transaction_id")
    if not isinstance(value, str) or not value or "\x00" in value:  # PostgreSQL text holds no NUL
        raise InvalidInput(
            "The event names no transaction.",
            errors={"data.transaction_id": ["Give the provider's transaction id."]},
        )
    return value


def _amount(event: ProviderEvent, *, required: bool) -> Money | None:
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
