"""Payments on the ORM, and payments' adapter to ordering."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db import IntegrityError, transaction

from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from emporium.multitenancy.context import current_tenant_slug
from emporium.ordering import public as ordering
from emporium.payments import models as rows
from emporium.payments.application.ports import PayableOrder
from emporium.payments.domain.events import PaymentRefunded
from emporium.payments.domain.payment import Payment, PaymentStatus
from emporium.shared_kernel.messagebus import MessageBus
from emporium.shared_kernel.money import Money


def to_domain(row: rows.Payment) -> Payment:
    return Payment(
        id=row.id,
        version=row.version,
        order_id=row.order_id,
        customer_id=row.customer_id,
        method=row.method,
        amount=row.amount,
        status=PaymentStatus(row.status),
        created_at=row.created_at,
        brand=row.brand,
        last4=row.last4,
        transaction_id=row.transaction_id,
        refunded_amount=row.refunded_amount,
    )


class DjangoPaymentRepository:
    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow

    def add(self, payment: Payment) -> None:
        rows.Payment(
            id=payment.id,
            order_id=payment.order_id,
            customer_id=payment.customer_id,
            method=payment.method,
            currency=payment.amount.currency,
            amount=payment.amount,  # type: ignore[misc]
            refunded_amount=payment.refunded,
            status=payment.status.value,
            brand=payment.brand,
            last4=payment.last4,
            transaction_id=payment.transaction_id,
            version=payment.version,
            created_at=payment.created_at,
        ).save(using=self.uow.using, force_insert=True)
        self.uow.track(payment)

    def get_for_update(self, payment_id: UUID) -> Payment | None:
        row = (
            rows.Payment.objects.db_manager(self.uow.using)
            .select_for_update()
            .filter(pk=payment_id)
            .first()
        )
        if row is None:
            return None
        payment = to_domain(row)
        self.uow.track(payment)
        return payment

    def find_by_transaction_for_update(self, method: str, transaction_id: str) -> Payment | None:
        payment_id = (
            rows.Payment.objects.db_manager(self.uow.using)
            .filter(method=method, transaction_id=transaction_id)
            .values_list("pk", flat=True)
            .first()
        )
        return None if payment_id is None else self.get_for_update(payment_id)

    def save(self, payment: Payment) -> None:
        rows.Payment.objects.db_manager(self.uow.using).filter(pk=payment.id).update(
            status=payment.status.value,
            refunded_amount=payment.refunded,
            version=payment.version,
        )
        # Each refund not yet collected by the unit of work is new: one row each, named by its
        # event, so the payment's refunds can be listed without reading the outbox.
        refunds = [
            rows.Refund(
                id=event.event_id,
                payment_id=payment.id,
                currency=event.amount.currency,
                amount=event.amount,  # type: ignore[misc]
                created_at=event.occurred_at,
            )
            for event in payment.events
            if isinstance(event, PaymentRefunded)
        ]
        rows.Refund.objects.db_manager(self.uow.using).bulk_create(refunds, ignore_conflicts=True)
        self.uow.track(payment)


class DjangoWebhookLog:
    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow

    def record_once(self, provider: str, event_id: str, event_type: str) -> bool:
        # The unique (tenant, provider, event id) decides between two deliveries at once.
        try:
            with transaction.atomic(using=self.uow.using):
                rows.ProcessedWebhook(
                    provider=provider, event_id=event_id, event_type=event_type
                ).save(using=self.uow.using, force_insert=True)
        except IntegrityError:
            return False
        return True


class DjangoPaymentsUnitOfWork(DjangoUnitOfWork):
    """The unit of work of payments use cases."""

    def __init__(self, bus: MessageBus, using: str = "default") -> None:
        super().__init__(bus, tenant=current_tenant_slug, using=using)
        self.payments = DjangoPaymentRepository(self)
        self.webhooks = DjangoWebhookLog(self)


class OrdersForPayments:
    """Payments' view of ordering, through its public module."""

    def lock(self, order_id: UUID) -> PayableOrder | None:
        order = ordering.lock_order_to_pay(order_id)
        if order is None:
            return None
        return PayableOrder(
            order.id, order.customer_id, order.status, order.total, order.reservation_expired
        )

    def mark_paid(self, order_id: UUID, payment_id: UUID) -> None:
        ordering.mark_order_paid(order_id, payment_id)

    def check_refund(
        self, payment: Payment, refund_id: UUID, amount: Money, at: datetime, *, restock: bool
    ) -> None:
        ordering.check_order_refund(_refund(payment, refund_id, amount, at, restock))

    def record_refund(
        self, payment: Payment, refund_id: UUID, amount: Money, at: datetime, *, restock: bool
    ) -> None:
        ordering.record_order_refund(_refund(payment, refund_id, amount, at, restock))


def _refund(
    payment: Payment, refund_id: UUID, amount: Money, at: datetime, restock: bool
) -> ordering.RecordRefund:
    return ordering.RecordRefund(
        order_id=payment.order_id,
        payment_id=payment.id,
        refund_id=refund_id,
        amount=amount,
        refunded_total=payment.refunded,
        at=at,
        restock=restock,
    )
