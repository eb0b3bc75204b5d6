"""Wire payments use cases to their adapters."""

from __future__ import annotations

from django.utils import timezone

from emporium.infrastructure.bus import message_bus
from emporium.payments.adapters.registry import providers
from emporium.payments.adapters.repository import DjangoPaymentsUnitOfWork, OrdersForPayments
from emporium.payments.application.apply_webhook import ApplyWebhook, Outcome, apply_webhook
from emporium.payments.application.pay_order import PayOrder
from emporium.payments.application.pay_order import pay_order as pay_order_use_case
from emporium.payments.application.refund_payment import Refund, RefundPayment
from emporium.payments.application.refund_payment import refund_payment as refund_use_case
from emporium.payments.domain.payment import Payment
from emporium.tenancy.public import enabled_payment_methods


def _unit_of_work() -> DjangoPaymentsUnitOfWork:
    return DjangoPaymentsUnitOfWork(message_bus())


def pay_order(command: PayOrder) -> Payment:
    """Pay an order of the current tenant."""
    return pay_order_use_case(
        command,
        _unit_of_work(),
        OrdersForPayments(),
        providers(),
        enabled_payment_methods,
        timezone.now,
    )


def refund_payment(command: RefundPayment) -> Refund:
    """Refund part or all of a captured payment of the current tenant."""
    return refund_use_case(command, _unit_of_work(), OrdersForPayments(), providers(), timezone.now)


def apply_provider_event(command: ApplyWebhook) -> Outcome:
    """Apply a verified event of a provider to the current tenant's payments, once."""
    return apply_webhook(command, _unit_of_work(), OrdersForPayments(), timezone.now())
