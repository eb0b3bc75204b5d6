"""Wire payments use cases to their adapters."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.utils import timezone

from emporium.identity.public import audit
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


def refund_payment(command: RefundPayment, *, by: UUID | None) -> Refund:
    """Refund part or all of a captured payment of the current tenant, and audit it.

    ``by`` is the account that asked (``None`` for a command); the entry is recorded here so
    every way in (the API, the back office, the demo's history) leaves one.
    """
    refund = refund_use_case(
        command, _unit_of_work(), OrdersForPayments(), providers(), timezone.now
    )
    with transaction.atomic():  # the use case has committed: a command runs in autocommit
        audit.record(
            audit.REFUND_CREATED,
            user_id=by,
            refund_id=str(refund.id),
            payment_id=str(command.payment_id),
            amount=refund.amount.to_dict(),
            restock=command.restock,
        )
    return refund


def apply_provider_event(command: ApplyWebhook) -> Outcome:
    """Apply a verified event of a provider to the current tenant's payments, once."""
    return apply_webhook(command, _unit_of_work(), OrdersForPayments(), timezone.now())
