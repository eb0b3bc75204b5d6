"""Rows of analytics' projections: sales per day, customer summaries, product sales per day.

Every row carries its projection's ``generation``: reads see the live one, and a rebuild fills
the next one beside it before the two are swapped (``infrastructure.projections``).
"""

from __future__ import annotations

from django.db import models

from emporium.multitenancy.scoping import TenantOwnedModel


class OrderFact(TenantOwnedModel):
    """What the read model knows of one order; the rule is ``domain.facts.OrderFact``."""

    generation = models.PositiveIntegerField(default=1)
    order_id = models.UUIDField()  # an ordering order; no key across contexts
    placed_on = models.DateField(null=True, blank=True)  # None while only a cancel was seen
    units = models.PositiveIntegerField(default=0)
    revenue_minor = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "order_id"], name="analytics_fact_order"
            )
        ]

    def __str__(self) -> str:
        return f"sales fact of order {self.order_id}"


class RefundFact(TenantOwnedModel):
    """A refund the read model has counted, so that a repeat delivery counts nothing."""

    generation = models.PositiveIntegerField(default=1)
    refund_id = models.UUIDField()
    order_id = models.UUIDField()

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "refund_id"], name="analytics_fact_refund"
            )
        ]

    def __str__(self) -> str:
        return f"refund {self.refund_id} of order {self.order_id}"


class DailySales(TenantOwnedModel):
    """The orders, units, revenue and refunds of one UTC day in one currency."""

    generation = models.PositiveIntegerField(default=1)
    day = models.DateField()
    currency = models.CharField(max_length=3)
    orders = models.IntegerField(default=0)
    units = models.BigIntegerField(default=0)
    revenue_minor = models.BigIntegerField(default=0)  # orders placed that day
    refunds_minor = models.BigIntegerField(default=0)  # refunds made that day

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "day", "currency"], name="analytics_daily_sales"
            )
        ]
        verbose_name_plural = "daily sales"

    def __str__(self) -> str:
        return f"sales of {self.day} in {self.currency}"


class CustomerSummary(TenantOwnedModel):
    """How many orders a customer placed, and when the first and the last were placed."""

    generation = models.PositiveIntegerField(default=1)
    customer_id = models.UUIDField()  # an identity account; no key across contexts
    orders = models.PositiveIntegerField(default=0)
    first_order_at = models.DateTimeField(null=True, blank=True)
    last_order_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "customer_id"], name="analytics_customer_summary"
            )
        ]
        verbose_name_plural = "customer summaries"

    def __str__(self) -> str:
        return f"summary of customer {self.customer_id}"


class CustomerPaidTotal(TenantOwnedModel):
    """What a customer paid in one currency, less what was refunded to them."""

    generation = models.PositiveIntegerField(default=1)
    customer_id = models.UUIDField()
    currency = models.CharField(max_length=3)
    paid_minor = models.BigIntegerField(default=0)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "customer_id", "currency"],
                name="analytics_customer_paid",
            )
        ]

    def __str__(self) -> str:
        return f"paid by customer {self.customer_id} in {self.currency}"


class UnpaidOrderLines(TenantOwnedModel):
    """The lines of a placed order not yet paid, kept until its payment or its cancellation."""

    generation = models.PositiveIntegerField(default=1)
    order_id = models.UUIDField()
    lines = models.JSONField()  # [{"product_id", "name", "quantity", "line_total"}]

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "order_id"], name="analytics_unpaid_lines"
            )
        ]
        verbose_name_plural = "unpaid order lines"

    def __str__(self) -> str:
        return f"lines of unpaid order {self.order_id}"


class ProductSales(TenantOwnedModel):
    """The units of one product paid for on one UTC day, and their revenue (line totals)."""

    generation = models.PositiveIntegerField(default=1)
    product_id = models.UUIDField()  # a catalog product; no key across contexts
    day = models.DateField()
    currency = models.CharField(max_length=3)
    name = models.CharField(max_length=200)  # as it was on the last order counted
    units = models.BigIntegerField(default=0)
    revenue_minor = models.BigIntegerField(default=0)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "product_id", "day", "currency"],
                name="analytics_product_sales",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "generation", "day"], name="analytics_product_day")
        ]
        verbose_name_plural = "product sales"

    def __str__(self) -> str:
        return f"sales of product {self.product_id} on {self.day}"


class WeeklyProductSales(TenantOwnedModel):
    """The week's sum of ``ProductSales`` (weeks start on a UTC Monday): a long period reads
    whole weeks here and only its edge days there, a seventh of the rows."""

    generation = models.PositiveIntegerField(default=1)
    product_id = models.UUIDField()
    week = models.DateField()  # the Monday
    currency = models.CharField(max_length=3)
    name = models.CharField(max_length=200)  # as it was on the week's last order counted
    units = models.BigIntegerField(default=0)
    revenue_minor = models.BigIntegerField(default=0)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "week", "product_id", "currency"],
                name="analytics_weekly_product_sales",
            )
        ]
        verbose_name_plural = "weekly product sales"

    def __str__(self) -> str:
        return f"sales of product {self.product_id} in the week of {self.week}"


# --- the dashboard projection (ADR 0020) -------------------------------------------------------


class SalesRollup(TenantOwnedModel):
    """Sales from ``start`` for a fixed span in one currency, summed into the shop's local days.

    ``orders`` and ``paid_minor`` count orders paid in the span; ``refunds_minor`` refunds made
    in it; the status columns count the orders placed in it by their status now.
    """

    generation = models.PositiveIntegerField(default=1)
    start = models.DateTimeField()
    currency = models.CharField(max_length=3)
    orders = models.IntegerField(default=0)
    paid_minor = models.BigIntegerField(default=0)
    refunds_minor = models.BigIntegerField(default=0)
    new_customers = models.IntegerField(default=0)
    returning_customers = models.IntegerField(default=0)
    confirmed = models.IntegerField(default=0)
    paid = models.IntegerField(default=0)
    fulfilled = models.IntegerField(default=0)
    cancelled = models.IntegerField(default=0)
    refunded = models.IntegerField(default=0)

    class Meta(TenantOwnedModel.Meta):
        abstract = True


class SalesBucket(SalesRollup):
    """Sales of one UTC quarter-hour: every time zone's offset is a multiple of 15 minutes, so
    any shop's local days are whole sets of these, and a new time zone needs no rebuild."""

    class Meta(SalesRollup.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "start", "currency"], name="analytics_sales_bucket"
            )
        ]

    def __str__(self) -> str:
        return f"sales of the quarter-hour from {self.start} in {self.currency}"


class SalesHour(SalesRollup):
    """The sum of one UTC hour's four quarter-hours: read instead of them by the shops whose
    time zone is a whole number of hours from UTC (most), a quarter of the rows."""

    class Meta(SalesRollup.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "start", "currency"], name="analytics_sales_hour"
            )
        ]

    def __str__(self) -> str:
        return f"sales of the hour from {self.start} in {self.currency}"


class OrderValueCount(TenantOwnedModel):
    """How many orders paid on one UTC day had a total in one value bucket (for the median)."""

    generation = models.PositiveIntegerField(default=1)
    day = models.DateField()
    currency = models.CharField(max_length=3)
    bucket = models.IntegerField()  # domain.dashboard.value_bucket
    orders = models.IntegerField(default=0)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "day", "currency", "bucket"],
                name="analytics_order_value",
            )
        ]

    def __str__(self) -> str:
        return f"{self.orders} orders of value bucket {self.bucket} on {self.day}"


class DashboardOrder(TenantOwnedModel):
    """What the dashboard keeps of one order: where it was placed, and its status now."""

    generation = models.PositiveIntegerField(default=1)
    order_id = models.UUIDField()
    placed_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "order_id"], name="analytics_dashboard_order"
            )
        ]

    def __str__(self) -> str:
        return f"dashboard's order {self.order_id}"


class DashboardCustomer(TenantOwnedModel):
    """When a customer first paid, and the last UTC day they paid on (new or returning)."""

    generation = models.PositiveIntegerField(default=1)
    customer_id = models.UUIDField()
    first_paid_at = models.DateTimeField()
    last_paid_day = models.DateField()

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "customer_id"], name="analytics_dashboard_customer"
            )
        ]

    def __str__(self) -> str:
        return f"dashboard's customer {self.customer_id}"


class OrderStatusCount(TenantOwnedModel):
    """How many of the shop's orders are in one status now (the to-do counters)."""

    generation = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=16)
    orders = models.IntegerField(default=0)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "status"], name="analytics_status_count"
            )
        ]

    def __str__(self) -> str:
        return f"{self.orders} orders {self.status}"


class WeeklyOrderValueCount(TenantOwnedModel):
    """The week's sum of ``OrderValueCount`` (weeks start on a UTC Monday): long periods read
    whole weeks here and only their edge days there, a seventh of the rows."""

    generation = models.PositiveIntegerField(default=1)
    week = models.DateField()  # the Monday
    currency = models.CharField(max_length=3)
    bucket = models.IntegerField()
    orders = models.IntegerField(default=0)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "generation", "week", "currency", "bucket"],
                name="analytics_weekly_order_value",
            )
        ]

    def __str__(self) -> str:
        return f"{self.orders} orders of value bucket {self.bucket} in the week of {self.week}"
