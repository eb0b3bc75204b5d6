"""Rows of the ordering context: orders, their lines and their stored events."""

from __future__ import annotations

import uuid

from django.db import models

from emporium.infrastructure.db.money_field import MoneyField
from emporium.multitenancy.scoping import TenantOwnedModel
from emporium.ordering.domain.order import OrderStatus


class Order(TenantOwnedModel):
    """An order row; the aggregate is ``emporium.ordering.domain.order.Order``."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    customer_id = models.UUIDField()  # an identity account; no key across contexts
    currency = models.CharField(max_length=3)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    status = models.CharField(max_length=16, choices=[(s.value, s.value) for s in OrderStatus])
    subtotal = MoneyField(currency_field="currency")
    tax = MoneyField(currency_field="currency")
    total = MoneyField(currency_field="currency")
    reserved_until = models.DateTimeField(null=True, blank=True)
    payment_id = models.UUIDField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=16, blank=True)
    # Personal data of the customer (ADR 0018): erasure scrubs it here and in the events.
    shipping_address = models.JSONField(null=True, blank=True)
    fulfilment_status = models.CharField(max_length=16, blank=True)
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantOwnedModel.Meta):
        indexes = [
            models.Index(
                fields=["tenant", "customer_id", "-created_at"], name="ordering_by_customer"
            ),
            models.Index(fields=["tenant", "-created_at"], name="ordering_recent"),
            # The expiry sweep: confirmed orders by deadline.
            models.Index(fields=["tenant", "status", "reserved_until"], name="ordering_expiry"),
        ]

    def __str__(self) -> str:
        return f"order {self.id}"


class OrderLine(TenantOwnedModel):
    """A line of an order: the product's name and price as they were when it was placed."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", db_index=False)
    position = models.PositiveSmallIntegerField()
    product_id = models.UUIDField()
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3)
    unit_price = MoneyField(currency_field="currency")
    quantity = models.PositiveIntegerField()

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "order", "position"], name="ordering_line_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"


class OrderEvent(TenantOwnedModel):
    """A stored domain event of an order: the order's source of truth, in version order.

    ``position`` numbers the tenant's events 1, 2, 3 ... in the order their transactions
    committed (``OrderStreamHead``): projections read them by it and never miss one.
    """

    id = models.UUIDField(primary_key=True)  # the event id
    order_id = models.UUIDField()
    version = models.PositiveIntegerField()
    position = models.BigIntegerField()
    type = models.CharField(max_length=100)
    schema_version = models.PositiveSmallIntegerField(default=1)
    occurred_at = models.DateTimeField()
    payload = models.JSONField()

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            # Optimistic concurrency: of two writers of one version, the second insert fails.
            models.UniqueConstraint(
                fields=["tenant", "order_id", "version"], name="ordering_event_version"
            ),
            models.UniqueConstraint(fields=["tenant", "position"], name="ordering_event_position"),
        ]

    def __str__(self) -> str:
        return f"{self.type} v{self.version}"


class OrderStreamHead(TenantOwnedModel):
    """The last position given to an event of the tenant; its row lock orders the appends.

    An append adds to ``position`` and keeps the row locked until its transaction ends, so a
    tenant's positions are handed out, and become visible, one transaction after the other.
    """

    position = models.BigIntegerField(default=0)

    class Meta(TenantOwnedModel.Meta):
        constraints = [models.UniqueConstraint(fields=["tenant"], name="ordering_stream_head")]

    def __str__(self) -> str:
        return f"order events up to {self.position}"
