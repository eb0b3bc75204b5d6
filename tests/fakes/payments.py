"""In-memory fakes of payments' ports: payments, the webhook log, the orders paid, a provider."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from emporium.payments.application.ports import (
    CaptureResult,
    InsufficientFunds,
    InvalidPaymentData,
    PayableOrder,
    ProviderUnavailable,
)
from emporium.payments.domain.payment import Payment
from emporium.shared_kernel.errors import BusinessRuleViolation
from emporium.shared_kernel.messagebus import MessageBus
from emporium.shared_kernel.money import Money
from tests.fakes.unit_of_work import FakeUnitOfWork, Table


class InMemoryPayments:
    """Implement ``PaymentRepository`` on a table of the unit of work; ``rows`` as committed."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.table: Table[UUID, Payment] = Table(uow)

    @property
    def rows(self) -> dict[UUID, Payment]:
        return self.table.rows

    def add(self, payment: Payment) -> None:
        if self.table.get(payment.id) is not None:
            raise ValueError(f"payment {payment.id} is already stored")
        self.table.put(payment.id, payment)
        self.uow.track(payment)

    def get_for_update(self, payment_id: UUID) -> Payment | None:
        payment = self.table.get(payment_id)
        if payment is not None:
            self.uow.track(payment)
        return payment

    def find_by_transaction_for_update(self, method: str, transaction_id: str) -> Payment | None:
        for payment in self.table.values():
            if (payment.method, payment.transaction_id) == (method, transaction_id):
                return self.get_for_update(payment.id)
        return None

    def save(self, payment: Payment) -> None:
        if self.table.get(payment.id) is None:
            raise ValueError(f"payment {payment.id} was never stored")
        self.table.put(payment.id, payment)
        self.uow.track(payment)


class InMemoryWebhookLog:
    """Implement ``WebhookLog``: each (provider, event id) recorded once."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.table: Table[tuple[str, str], str] = Table(uow)

    @property
    def rows(self) -> dict[tuple[str, str], str]:
        return self.table.rows

    def record_once(self, provider: str, event_id: str, event_type: str) -> bool:
        if self.table.get((provider, event_id)) is not None:
            return False
        self.table.put((provider, event_id), event_type)
        return True


class FakePaymentsUnitOfWork(FakeUnitOfWork):
    """The payments unit of work, with its payments and webhook log in memory."""

    def __init__(self, bus: MessageBus | None = None, tenant: str | None = "acme") -> None:
        super().__init__(bus, tenant)
        self.payments = InMemoryPayments(self)
        self.webhooks = InMemoryWebhookLog(self)


class InMemoryOrders:
    """Implement payments' ``Orders`` port: the orders to pay, in the payments unit of work.

    Marking an order paid is part of the payment's transaction, as ordering's use case runs in
    it for real: a payment that rolls back leaves the order unpaid. Only a confirmed order can
    be marked paid, as ordering refuses any other.
    """

    def __init__(self, uow: FakeUnitOfWork, orders: Mapping[UUID, PayableOrder]) -> None:
        self.table: Table[UUID, PayableOrder] = Table(uow, orders)
        self._payment_of: Table[UUID, UUID] = Table(uow)
        self._refunds: Table[UUID, tuple[tuple[UUID, Money, datetime, bool], ...]] = Table(uow)
        #: The refund ids checked, in order, committed or not.
        self.checked: list[UUID] = []

    @property
    def rows(self) -> dict[UUID, PayableOrder]:
        return self.table.rows

    def payment_of(self, order_id: UUID) -> UUID | None:
        """Return the committed payment recorded on the order."""
        return self._payment_of.rows.get(order_id)

    def lock(self, order_id: UUID) -> PayableOrder | None:
        return self.table.get(order_id)

    def mark_paid(self, order_id: UUID, payment_id: UUID) -> None:
        order = self.table.get(order_id)
        if order is None:
            raise LookupError(f"no order {order_id}")
        if order.status != "confirmed":
            raise BusinessRuleViolation(
                f"Only a confirmed order can be paid; this one is {order.status}.",
                code="not-payable",
            )
        self.table.put(order_id, replace(order, status="paid"))
        self._payment_of.put(order_id, payment_id)

    def _checked(self, payment: Payment, restock: bool) -> tuple[PayableOrder, bool]:
        order = self.table.get(payment.order_id)
        if order is None:
            raise LookupError(f"no order {payment.order_id}")
        if order.status not in ("paid", "fulfilled"):
            raise BusinessRuleViolation("Not paid.", code="not-refundable")
        fully = payment.refunded == order.total
        if restock and not fully:
            raise BusinessRuleViolation("Restock needs all.", code="restock-needs-full-refund")
        return order, fully

    def check_refund(
        self, payment: Payment, refund_id: UUID, amount: Money, at: datetime, *, restock: bool
    ) -> None:
        self.checked.append(refund_id)
        self._checked(payment, restock)

    def record_refund(
        self, payment: Payment, refund_id: UUID, amount: Money, at: datetime, *, restock: bool
    ) -> None:
        order, fully = self._checked(payment, restock)
        if fully:
            self.table.put(order.id, replace(order, status="refunded"))
        refunds = self._refunds.get(order.id) or ()
        self._refunds.put(order.id, (*refunds, (refund_id, amount, at, restock)))

    def refunds_of(self, order_id: UUID) -> tuple[tuple[UUID, Money, datetime, bool], ...]:
        """Return the committed refunds recorded on the order: (id, amount, at, restock)."""
        return self._refunds.rows.get(order_id, ())


#: The tokens the fake provider knows: one it captures, one it declines, one it never answers.
GOOD_TOKEN = "tok_good"
NO_FUNDS_TOKEN = "tok_no_funds"
TIMEOUT_TOKEN = "tok_timeout"


class FakeProvider:
    """Implement ``PaymentProvider`` as a gateway in memory: its captures and refunds.

    ``data`` is ``{"token": ...}``: ``GOOD_TOKEN`` is captured, ``NO_FUNDS_TOKEN`` declined for
    insufficient funds, ``TIMEOUT_TOKEN`` not answered, any other invalid. While ``down`` is
    set, no call is answered. Like a real gateway it never refunds more than it captured.
    """

    def __init__(self, brand: str = "visa", last4: str = "4242") -> None:
        self.brand = brand
        self.last4 = last4
        self.down = False
        self.captures: dict[str, Money] = {}
        self.refunds: list[tuple[str, Money]] = []

    def refunded(self, transaction_id: str) -> Money:
        """Return what was refunded of the capture so far."""
        captured = self.captures[transaction_id]
        amounts = [amount for txn, amount in self.refunds if txn == transaction_id]
        return sum(amounts, Money.zero(captured.currency))

    def validate(self, data: Mapping[str, Any]) -> None:
        if not isinstance(data.get("token"), str) or not data["token"]:
            raise InvalidPaymentData({"token": ["This field is required."]})

    def capture(self, amount: Money, data: Mapping[str, Any]) -> CaptureResult:
        token = data["token"]
        if self.down or token == TIMEOUT_TOKEN:
            raise ProviderUnavailable("The gateway did not answer.")
        if token == NO_FUNDS_TOKEN:
            raise InsufficientFunds("Insufficient funds.", brand=self.brand, last4=self.last4)
        if token != GOOD_TOKEN:
            raise InvalidPaymentData({"token": ["Unknown token."]})
        transaction_id = f"txn_{len(self.captures) + 1}"
        self.captures[transaction_id] = amount
        return CaptureResult(transaction_id, brand=self.brand, last4=self.last4)

    def refund(self, transaction_id: str, amount: Money) -> None:
        if self.down:
            raise ProviderUnavailable("The gateway did not answer.")
        if self.refunded(transaction_id) + amount > self.captures[transaction_id]:
            raise ValueError(f"refund of {amount} exceeds what is left of {transaction_id}")
        self.refunds.append((transaction_id, amount))
