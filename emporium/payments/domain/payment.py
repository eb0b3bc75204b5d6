"""The ``Payment`` aggregate: one attempt to pay an order, and what was refunded of it."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from emporium.payments.domain.events import PaymentCaptured, PaymentDeclined, PaymentRefunded
from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.errors import BusinessRuleViolation
from emporium.shared_kernel.money import Money


class PaymentStatus(enum.StrEnum):
    CAPTURED = "captured"
    DECLINED = "declined"
    FAILED = "failed"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"


_REFUNDABLE = frozenset({PaymentStatus.CAPTURED, PaymentStatus.PARTIALLY_REFUNDED})


@dataclass(kw_only=True, eq=False)
class Payment(Aggregate[UUID]):
    """A payment attempt of an order. Card data is kept as brand and last four only."""

    order_id: UUID
    customer_id: UUID
    method: str
    amount: Money
    status: PaymentStatus
    created_at: datetime
    brand: str = ""
    last4: str = ""
    transaction_id: str = ""
    refunded_amount: Money | None = None

    def __post_init__(self) -> None:
        if self.refunded_amount is None:
            self.refunded_amount = Money(0, self.amount.currency)
        if len(self.last4) not in (0, 4):
            raise ValueError("last4 holds exactly the last four digits")

    @property
    def refunded(self) -> Money:
        """Return what was refunded so far (zero in the payment's currency if nothing)."""
        assert self.refunded_amount is not None  # set in __post_init__
        return self.refunded_amount

    @property
    def refundable(self) -> Money:
        """Return what is left to refund: captured minus refunded, zero unless captured."""
        if self.status not in _REFUNDABLE:
            return Money(0, self.amount.currency)
        return self.amount - self.refunded

    @classmethod
    def captured(
        cls,
        *,
        order_id: UUID,
        customer_id: UUID,
        method: str,
        amount: Money,
        at: datetime,
        transaction_id: str,
        brand: str = "",
        last4: str = "",
    ) -> Payment:
        """Return a payment the provider captured; records PaymentCaptured."""
        payment = cls(
            id=uuid4(),
            order_id=order_id,
            customer_id=customer_id,
            method=method,
            amount=amount,
            status=PaymentStatus.CAPTURED,
            created_at=at,
            brand=brand,
            last4=last4,
            transaction_id=transaction_id,
        )
        payment.record(
            PaymentCaptured,
            order_id=str(order_id),
            method=method,
            amount=amount,
            brand=brand,
            last4=last4,
            occurred_at=at,
        )
        return payment

    @classmethod
    def unsuccessful(
        cls,
        *,
        order_id: UUID,
        customer_id: UUID,
        method: str,
        amount: Money,
        at: datetime,
        reason: str,
        failed: bool = False,
        brand: str = "",
        last4: str = "",
    ) -> Payment:
        """Return a declined (or, if ``failed``, an unanswered) attempt: nothing captured."""
        payment = cls(
            id=uuid4(),
            order_id=order_id,
            customer_id=customer_id,
            method=method,
            amount=amount,
            status=PaymentStatus.FAILED if failed else PaymentStatus.DECLINED,
            created_at=at,
            brand=brand,
            last4=last4,
        )
        if not failed:
            payment.record(
                PaymentDeclined,
                order_id=str(order_id),
                method=method,
                amount=amount,
                reason=reason,
                occurred_at=at,
            )
        return payment

    def check_refund(self, amount: Money | None) -> Money:
        """Return the amount a refund of ``amount`` (None: all that is left) would return."""
        left = self.refundable
        if self.status not in _REFUNDABLE or not left.minor:
            raise BusinessRuleViolation(
                f"Only a captured payment can be refunded; this one is {self.status}.",
                code="not-refundable",
            )
        wanted = left if amount is None else amount
        if wanted.currency != self.amount.currency:
            raise BusinessRuleViolation(
                f"Refund in {self.amount.currency}, the payment's currency.",
                code="refund-currency",
            )
        if wanted.minor <= 0:
            raise BusinessRuleViolation("A refund must be more than zero.", code="refund-amount")
        if wanted.minor > left.minor:
            raise BusinessRuleViolation(
                f"Only {left} is left to refund of this payment.", code="refund-exceeds-capture"
            )
        return wanted

    def refund(self, amount: Money | None, at: datetime) -> Money:
        """Refund ``amount`` (default: all that is left), never more; records PaymentRefunded."""
        wanted = self.check_refund(amount)
        self.refunded_amount = self.refunded + wanted
        self.status = (
            PaymentStatus.REFUNDED
            if self.refunded == self.amount
            else PaymentStatus.PARTIALLY_REFUNDED
        )
        self.record(
            PaymentRefunded,
            order_id=str(self.order_id),
            amount=wanted,
            refunded_amount=self.refunded,
            occurred_at=at,
        )
        return wanted
