"""Use case: pay an order's total with one of the shop's payment methods."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from emporium.payments.application.ports import (
    CaptureResult,
    InvalidPaymentData,
    Orders,
    PayableOrder,
    PaymentDeclinedError,
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
class _Facts:
    order_id: UUID
    customer_id: UUID
    method: str
    amount: Money

    def captured(self, at: datetime, result: CaptureResult) -> Payment:
        return Payment.captured(
            order_id=self.order_id,
            customer_id=self.customer_id,
            method=self.method,
            amount=self.amount,
            at=at,
            transaction_id=result.transaction_id,
            brand=result.brand,
            last4=result.last4,
        )

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


@dataclass(frozen=True)
class _Attempt:
    """A capture tried: the payment to record, and the provider's refusal if it was not taken."""

    payment: Payment
    refusal: PaymentError | None = None


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
    the same order waits (or is a 409) and the order ends paid or cancelled, never both. A
    declined or unanswered capture is recorded too, and then raised.
    """
    with uow:
        order = _order_to_pay(command, orders)
        provider = _provider(command.method, enabled_methods(), providers)
        _validate(provider, command.data)
        if order.status != "confirmed":
            raise BusinessRuleViolation(
                f"Only a confirmed order can be paid; this one is {order.status}.",
                code="not-payable",
            )
        if order.reservation_expired:  # checked before the capture: no money moves
            raise BusinessRuleViolation(
                "The order's reservation has run out and its stock is going back on sale; "
                "place the order again.",
                code="reservation-expired",
            )
        # The amount is the order's total, never an amount from the client.
        facts = _Facts(order.id, order.customer_id, command.method, order.total)
        attempt = _capture(provider, facts, command.data, now)
        uow.payments.add(attempt.payment)
        if attempt.refusal is None:
            _mark_paid(orders, provider, attempt.payment)
        uow.commit()
    if attempt.refusal is not None:
        raise _refusal_error(attempt.refusal)
    return attempt.payment


def _order_to_pay(command: PayOrder, orders: Orders) -> PayableOrder:
    """Return the order, locked; someone else's is 404 (403 for the shop's staff)."""
    order = orders.lock(command.order_id)
    if order is None:
        raise NotFound("No such order.")
    if order.customer_id != command.payer_id:
        if command.payer_manages_shop:
            raise Forbidden("Only the order's customer may pay it.")
        raise NotFound("No such order.")
    return order


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


def _validate(provider: PaymentProvider, data: Mapping[str, Any]) -> None:
    try:
        provider.validate(data)
    except InvalidPaymentData as exc:
        raise InvalidInput("The payment data is invalid.", errors=exc.errors) from None


def _capture(
    provider: PaymentProvider, facts: _Facts, data: Mapping[str, Any], now: Callable[[], datetime]
) -> _Attempt:
    try:
        result = provider.capture(facts.amount, data)
    except PaymentDeclinedError as exc:
        return _Attempt(facts.unsuccessful(now(), exc, failed=False), exc)
    except ProviderUnavailable as exc:
        return _Attempt(facts.unsuccessful(now(), exc, failed=True), exc)
    except InvalidPaymentData as exc:
        raise InvalidInput("The payment data is invalid.", errors=exc.errors) from None
    return _Attempt(facts.captured(now(), result))


def _mark_paid(orders: Orders, provider: PaymentProvider, payment: Payment) -> None:
    try:
        orders.mark_paid(payment.order_id, payment.id)
    except Exception:
        # Captured at the provider but not recorded: give the money back.
        logger.warning("payment %s not recorded; refunding its capture", payment.id)
        provider.refund(payment.transaction_id, payment.amount)
        raise


def _refusal_error(refusal: PaymentError) -> Exception:
    if isinstance(refusal, ProviderUnavailable):
        return DependencyUnavailable(
            "The payment provider did not answer; nothing was captured. Retry later.",
            retry_after=RETRY_AFTER,
            code="payment-provider-unavailable",
        )
    return PaymentRequired(refusal.detail, code=refusal.code)
