"""Rows of the sales read model: one per order seen, one per (day, currency) with figures."""

from __future__ import annotations

from django.db import models

from emporium.multitenancy.scoping import TenantOwnedModel


class OrderFact(TenantOwnedModel):
    """What the read model knows of one order; the rule is ``domain.facts.OrderFact``."""

    order_id = models.UUIDField()  # an ordering order; no key across contexts
    placed_on = models.DateField(null=True, blank=True)  # None while only a cancel was seen
    units = models.PositiveIntegerField(default=0)
    revenue_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "order_id"], name="analytics_fact_order")
        ]

    def __str__(self) -> str:
        return f"sales fact of order {self.order_id}"


class RefundFact(TenantOwnedModel):
    """A refund the read model has counted, so that a repeat delivery counts nothing."""

    refund_id = models.UUIDField()
    order_id = models.UUIDField()

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "refund_id"], name="analytics_fact_refund")
        ]

    def __str__(self) -> str:
        return f"refund {self.refund_id} of order {self.order_id}"


class DailySales(TenantOwnedModel):
    """The orders, units, revenue and refunds of one UTC day in one currency."""

    day = models.DateField()
    currency = models.CharField(max_length=3)
    orders = models.IntegerField(default=0)
    units = models.BigIntegerField(default=0)
    revenue_minor = models.BigIntegerField(default=0)  # orders placed that day
    refunds_minor = models.BigIntegerField(default=0)  # refunds made that day

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "day", "currency"], name="analytics_daily_sales"
            )
        ]
        verbose_name_plural = "daily sales"

    def __str__(self) -> str:
        return f"sales of {self.day} in {self.currency}"
