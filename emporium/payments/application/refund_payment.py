"""Use case: refund part or all of what is left of a captured payment, through its provider."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from emporium.payments.application.pay_order import RETRY_AFTER
from emporium.payments.application.ports import (
    PaymentProvider,
    PaymentsUnitOfWork,
    ProviderUnavailable,
)
from emporium.payments.domain.payment import Payment
from emporium.shared_kernel.errors import BusinessRuleViolation, DependencyUnavailable, NotFound
from emporium.shared_kernel.money import Money


@dataclass(frozen=True)
class RefundPayment:
    payment_id: UUID
    amount: Money | None  # None: all that is left


@dataclass(frozen=True)
class Refund:
    """A refund made: its id (its event's), the payment after it, the amount and when."""

    id: UUID
    payment: Payment
    amount: Money
    at: datetime


def refund_payment(
    command: RefundPayment,
    uow: PaymentsUnitOfWork,
    providers: Mapping[str, PaymentProvider],
    now: Callable[[], datetime],
) -> Refund:
    """Refund part or all of what is left of a captured payment, through its provider."""
    with uow:
        payment = uow.payments.get_for_update(command.payment_id)
        if payment is None:
            raise NotFound("No such payment.")
        at = now()
        amount = payment.refund(command.amount, at)
        refund = Refund(payment.events[-1].event_id, payment, amount, at)
        provider = providers.get(payment.method)
        if provider is None:
            raise BusinessRuleViolation(
                f"The payment method {payment.method!r} is not installed.",
                code="payment-method-not-enabled",
            )
        try:
            provider.refund(payment.transaction_id, amount)
        except ProviderUnavailable:
            raise DependencyUnavailable(
                "The payment provider did not answer; nothing was refunded. Retry later.",
                retry_after=RETRY_AFTER,
                code="payment-provider-unavailable",
            ) from None
        uow.payments.save(payment)
        uow.commit()
    return refund
