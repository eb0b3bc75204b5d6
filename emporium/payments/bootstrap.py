"""Wire payments use cases to their adapters."""

from __future__ import annotations

from uuid import UUID

from django.utils import timezone

from emporium.infrastructure.bus import message_bus
from emporium.payments.adapters.registry import providers
from emporium.payments.adapters.repository import DjangoPaymentsUnitOfWork, OrdersForPayments
from emporium.payments.application import pay_order as use_cases
from emporium.payments.domain.payment import Payment
from emporium.shared_kernel.money import Money
from emporium.tenancy.public import enabled_payment_methods


def unit_of_work() -> DjangoPaymentsUnitOfWork:
    return DjangoPaymentsUnitOfWork(message_bus())


def pay_order(command: use_cases.PayOrder) -> Payment:
    """Pay an order of the current tenant."""
    return use_cases.pay_order(
        command,
        unit_of_work(),
        OrdersForPayments(),
        providers(),
        enabled_payment_methods,
        timezone.now,
    )


def refund_payment(payment_id: UUID, amount: Money | None) -> use_cases.Refund:
    """Refund part or all of a captured payment of the current tenant."""
    return use_cases.refund_payment(
        use_cases.RefundPayment(payment_id, amount), unit_of_work(), providers(), timezone.now
    )
