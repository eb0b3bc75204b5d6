"""Ports of the payments context: providers, the orders it pays, its unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self
from uuid import UUID

from emporium.payments.domain.payment import Payment
from emporium.shared_kernel.money import Money


class PaymentError(Exception):
    """Base of what a provider raises on purpose."""

    #: Problem ``type`` segment of the refusal.
    code = "payment-error"

    def __init__(self, detail: str = "", *, brand: str = "", last4: str = "") -> None:
        super().__init__(detail or self.__class__.__doc__ or self.code)
        self.detail = detail or (self.__class__.__doc__ or self.code).strip()
        self.brand = brand
        self.last4 = last4


class PaymentDeclinedError(PaymentError):
    """The payment was declined."""

    code = "card-declined"


class InsufficientFunds(PaymentDeclinedError):
    """The payment was declined: insufficient funds."""

    code = "insufficient-funds"


class InvalidPaymentData(PaymentError):
    """The payment data is invalid."""

    code = "validation-error"

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("The payment data is invalid.")
        self.errors = dict(errors)


class ProviderUnavailable(PaymentError):
    """The payment provider did not answer; nothing was captured."""

    code = "provider-unavailable"


@dataclass(frozen=True, slots=True)
class CaptureResult:
    """What a provider answers for a capture: its transaction id and what may be shown."""

    transaction_id: str
    brand: str = ""
    last4: str = ""


class PaymentProvider(Protocol):
    """A payment method's provider: built in, or a plugin registered by entry point."""

    def validate(self, data: Mapping[str, Any]) -> None:
        """Raise ``InvalidPaymentData`` unless ``data`` can be sent to ``capture``."""

    def capture(self, amount: Money, data: Mapping[str, Any]) -> CaptureResult:
        """Capture ``amount``; raise a ``PaymentError`` (declined, unavailable, invalid)."""

    def refund(self, transaction_id: str, amount: Money) -> None:
        """Return ``amount`` of a capture; raise ``ProviderUnavailable`` if it cannot."""


@dataclass(frozen=True, slots=True)
class PayableOrder:
    """What payments needs to know of an order."""

    id: UUID
    customer_id: UUID
    status: str
    total: Money
    reservation_expired: bool = False  # past reserved_until: ordering refuses its payment


class Orders(Protocol):
    """Payments' view of ordering."""

    def lock(self, order_id: UUID) -> PayableOrder | None:
        """Return the order, locked until the transaction ends (``Conflict`` if it is held)."""

    def mark_paid(self, order_id: UUID, payment_id: UUID) -> None:
        """Record the capture on the order (in the caller's transaction)."""

    def check_refund(
        self, payment: Payment, refund_id: UUID, amount: Money, at: datetime, *, restock: bool
    ) -> None:
        """Raise what ``record_refund`` would raise, recording nothing; the order stays locked."""

    def record_refund(
        self, payment: Payment, refund_id: UUID, amount: Money, at: datetime, *, restock: bool
    ) -> None:
        """Record a refund of ``payment`` on its order (in the caller's transaction).

        The refund that completes the capture makes the order refunded; ``restock`` puts its
        units back on sale and needs that refund (422 ``restock-needs-full-refund``).
        """


class PaymentRepository(Protocol):
    def add(self, payment: Payment) -> None: ...

    def get_for_update(self, payment_id: UUID) -> Payment | None: ...

    def find_by_transaction_for_update(self, method: str, transaction_id: str) -> Payment | None:
        """Return the payment of ``method`` with the provider's ``transaction_id``, locked."""
        ...

    def save(self, payment: Payment) -> None: ...


class WebhookLog(Protocol):
    """The provider events applied so far, one per (provider, event id)."""

    def record_once(self, provider: str, event_id: str, event_type: str) -> bool:
        """Record the event; return False, writing nothing, if it was recorded before."""
        ...


class PaymentsUnitOfWork(Protocol):
    @property
    def payments(self) -> PaymentRepository:
        """Return the payment repository."""
        ...

    @property
    def webhooks(self) -> WebhookLog:
        """Return the log of applied provider events."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...
