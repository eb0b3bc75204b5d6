"""Use case: refund part or all of what is left of a captured payment, through its provider."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from emporium.payments.application.pay_order import RETRY_AFTER
from emporium.payments.application.ports import (
    Orders,
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
    restock: bool = False  # the order's units go back on sale (with the refund of all that is left)


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
    orders: Orders,
    providers: Mapping[str, PaymentProvider],
    now: Callable[[], datetime],
) -> Refund:
    """Refund part or all of what is left of a captured payment, through its provider.

    The order checks the refund before the provider is asked, so a refund the order refuses
    moves no money, and records it after, in the same transaction (the refund of all that is
    left makes it refunded): recording holds the shop's order stream until commit (ADR 0016),
    which must not wait on the provider.
    """
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
        orders.check_refund(payment, refund.id, amount, at, restock=command.restock)
        try:
            provider.refund(payment.transaction_id, amount)
        except ProviderUnavailable:
            raise DependencyUnavailable(
                "The payment provider did not answer; nothing was refunded. Retry later.",
                retry_after=RETRY_AFTER,
                code="payment-provider-unavailable",
            ) from None
        orders.record_refund(payment, refund.id, amount, at, restock=command.restock)
        uow.payments.save(payment)
        uow.commit()
    return refund
