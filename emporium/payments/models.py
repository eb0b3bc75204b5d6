"""Rows of the payments context: one per payment attempt. No card number, no CVC."""

from __future__ import annotations

import uuid

from django.db import models

from emporium.infrastructure.db.money_field import MoneyField
from emporium.multitenancy.scoping import TenantOwnedModel
from emporium.payments.domain.payment import PaymentStatus


class Payment(TenantOwnedModel):
    """A payment row; the aggregate is ``emporium.payments.domain.payment.Payment``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_id = models.UUIDField()  # an ordering order; no key across contexts
    customer_id = models.UUIDField()  # the order's customer, who paid
    method = models.CharField(max_length=40)
    currency = models.CharField(max_length=3)
    amount = MoneyField(currency_field="currency")
    refunded_amount = MoneyField(currency_field="currency")
    status = models.CharField(max_length=20, choices=[(s.value, s.value) for s in PaymentStatus])
    brand = models.CharField(max_length=20, blank=True)
    last4 = models.CharField(max_length=4, blank=True)
    transaction_id = models.CharField(max_length=100, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantOwnedModel.Meta):
        indexes = [
            models.Index(fields=["tenant", "order_id", "-created_at"], name="payments_by_order"),
            models.Index(fields=["tenant", "-created_at"], name="payments_recent"),
        ]

    def __str__(self) -> str:
        return f"payment {self.id} ({self.status})"


class Refund(TenantOwnedModel):
    """One refund of a payment: its id is its PaymentRefunded event's."""

    id = models.UUIDField(primary_key=True, editable=False)
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="refunds", db_index=False
    )
    currency = models.CharField(max_length=3)
    amount = MoneyField(currency_field="currency")
    created_at = models.DateTimeField()

    class Meta(TenantOwnedModel.Meta):
        indexes = [
            models.Index(fields=["tenant", "payment", "created_at"], name="payments_refunds"),
        ]

    def __str__(self) -> str:
        return f"refund {self.id} of payment {self.payment_id}"


class ProcessedWebhook(TenantOwnedModel):
    """A provider's webhook event already applied: a repeat of its id changes nothing."""

    provider = models.CharField(max_length=40)
    event_id = models.CharField(max_length=200)
    event_type = models.CharField(max_length=100)
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "provider", "event_id"], name="payments_webhook_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} event {self.event_id}"
