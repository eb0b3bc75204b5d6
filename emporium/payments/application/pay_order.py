"""Use cases of payments: pay an order's total, refund a captured payment."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from emporium.payments.application.ports import (
    InvalidPaymentData,
    Orders,
    PaymentDeclined,
    PaymentError,
    PaymentProvider,
    PaymentsUnitOfWork,
    ProviderUnavailable,
)
from emporium.payments.domain.payment import Payment
from emporium.shared_kernel.errors import (
    BusinessRuleViolation,
    DependencyUnavailable,
    Forbidden,
    InvalidInput,
    NotFound,
    PaymentRequired,
)
from emporium.shared_kernel.money import Money

logger = logging.getLogger(__name__)

#: Seconds a client is told to wait before retrying after the provider did not answer.
RETRY_AFTER = 30


@dataclass(frozen=True)
class PayOrder:
    order_id: UUID
    payer_id: UUID
    payer_manages_shop: bool  # staff see every order, but only its customer pays it
    method: str
    data: Mapping[str, Any]  # method-specific; never logged


@dataclass(frozen=True)
class Refund:
    """A refund made: its id (its event's), the payment after it, the amount and when."""

    id: UUID
    payment: Payment
    amount: Money
    at: datetime


@dataclass(frozen=True)
class RefundPayment:
    payment_id: UUID
    amount: Money | None  # None: all that is left


@dataclass(frozen=True)
class _Facts:
    order_id: UUID
    customer_id: UUID
    method: str
    amount: Money

    def unsuccessful(self, at: datetime, exc: PaymentError, *, failed: bool) -> Payment:
        return Payment.unsuccessful(
            order_id=self.order_id,
            customer_id=self.customer_id,
            method=self.method,
            amount=self.amount,
            at=at,
            reason=exc.code,
            failed=failed,
            brand=exc.brand,
            last4=exc.last4,
        )


def _provider(
    method: str, enabled: Collection[str], providers: Mapping[str, PaymentProvider]
) -> PaymentProvider:
    provider = providers.get(method)
    if method not in enabled or provider is None:
        raise BusinessRuleViolation(
            f"This shop does not accept the payment method {method!r}.",
            code="payment-method-not-enabled",
        )
    return provider


def pay_order(
    command: PayOrder,
    uow: PaymentsUnitOfWork,
    orders: Orders,
    providers: Mapping[str, PaymentProvider],
    enabled_methods: Callable[[], Collection[str]],
    now: Callable[[], datetime],
) -> Payment:
    """Capture the order's total with the chosen method and mark the order paid.

    The order stays locked from its check to its payment, so a concurrent payment or expiry of
    the same order waits (or is a 409) and the order ends paid or cancelled, never both.
    """
    refusal: PaymentDeclined | None = None
    unavailable = False
    with uow:
        order = orders.lock(command.order_id)
        if order is None:
            raise NotFound("No such order.")
        if order.customer_id != command.payer_id:
            if command.payer_manages_shop:
                raise Forbidden("Only the order's customer may pay it.")
            raise NotFound("No such order.")
        provider = _provider(command.method, enabled_methods(), providers)
        try:
            provider.validate(command.data)
        except InvalidPaymentData as exc:
            raise InvalidInput("The payment data is invalid.", errors=exc.errors) from None
        if order.status != "confirmed":
            raise BusinessRuleViolation(
                f"Only a confirmed order can be paid; this one is {order.status}.",
                code="not-payable",
            )
        # The amount is the order's total, never an amount from the client.
        facts = _Facts(order.id, order.customer_id, command.method, order.total)
        try:
            result = provider.capture(order.total, command.data)
        except PaymentDeclined as exc:
            refusal = exc
            payment = facts.unsuccessful(now(), exc, failed=False)
        except ProviderUnavailable as exc:
            unavailable = True
            payment = facts.unsuccessful(now(), exc, failed=True)
        except InvalidPaymentData as exc:
            raise InvalidInput("The payment data is invalid.", errors=exc.errors) from None
        else:
            payment = Payment.captured(
                order_id=order.id,
                customer_id=order.customer_id,
                method=command.method,
                amount=order.total,
                at=now(),
                transaction_id=result.transaction_id,
                brand=result.brand,
                last4=result.last4,
            )
            uow.payments.add(payment)
            try:
                orders.mark_paid(order.id, payment.id)
            except Exception:
                # Captured at the provider but not recorded: give the money back.
                logger.warning("payment %s not recorded; refunding its capture", payment.id)
                provider.refund(result.transaction_id, order.total)
                raise
            uow.commit()
            return payment
        uow.payments.add(payment)
        uow.commit()
    if unavailable:
        raise DependencyUnavailable(
            "The payment provider did not answer; nothing was captured. Retry later.",
            retry_after=RETRY_AFTER,
            code="payment-provider-unavailable",
        )
    assert refusal is not None
    raise PaymentRequired(refusal.detail, code=refusal.code)


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
