"""The dashboard projection's rows on the ORM: writers of one generation."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import F

from emporium.analytics import models as rows
from emporium.analytics.adapters.store import _Generation
from emporium.analytics.domain.dashboard import (
    STATUSES,
    Bucket,
    TrackedCustomer,
    TrackedOrder,
    week_of,
)

DASHBOARD = "dashboard"

#: Every table of the dashboard projection.
TABLES: tuple[type[Any], ...] = (
    rows.SalesBucket,
    rows.SalesHour,
    rows.OrderValueCount,
    rows.WeeklyOrderValueCount,
    rows.DashboardOrder,
    rows.DashboardCustomer,
    rows.OrderStatusCount,
)


#: The counters of a sales rollup row.
BUCKET_COLUMNS = (
    "orders",
    "paid_minor",
    "refunds_minor",
    "new_customers",
    "returning_customers",
    *STATUSES,
)


def _increments(bucket: Bucket) -> dict[str, Any]:
    changes = {
        "orders": bucket.orders,
        "paid_minor": bucket.paid_minor,
        "refunds_minor": bucket.refunds_minor,
        "new_customers": bucket.new_customers,
        "returning_customers": bucket.returning_customers,
        **{status: bucket.statuses.get(status, 0) for status in STATUSES},
    }
    return {column: F(column) + n for column, n in changes.items() if n}


class DjangoDashboardStore(_Generation):
    """Implement ``DashboardStore``; call the writers inside the runner's transaction."""

    projection = DASHBOARD

    def orders_of(self, order_ids: Collection[str]) -> dict[str, TrackedOrder]:
        found = self._rows(rows.DashboardOrder).filter(order_id__in=[UUID(i) for i in order_ids])
        return {
            str(row.order_id): TrackedOrder(
                str(row.order_id), row.placed_at, row.currency, row.status
            )
            for row in found
        }

    def customers_of(self, customer_ids: Collection[str]) -> dict[str, TrackedCustomer]:
        found = self._rows(rows.DashboardCustomer).filter(
            customer_id__in=[UUID(i) for i in customer_ids]
        )
        return {
            str(row.customer_id): TrackedCustomer(
                str(row.customer_id), row.first_paid_at, row.last_paid_day
            )
            for row in found
        }

    def save(
        self,
        new_orders: Iterable[TrackedOrder],
        changed_orders: Iterable[TrackedOrder],
        customers: Iterable[TrackedCustomer],
    ) -> None:
        generation = self._writing()
        manager = rows.DashboardOrder.objects.db_manager(self.using)
        manager.bulk_create(
            rows.DashboardOrder(
                generation=generation,
                order_id=UUID(order.order_id),
                placed_at=order.placed_at,
                currency=order.currency,
                status=order.status,
            )
            for order in new_orders
        )
        for order in changed_orders:
            self._rows(rows.DashboardOrder).filter(order_id=UUID(order.order_id)).update(
                status=order.status
            )
        for customer in customers:
            self._rows(rows.DashboardCustomer).update_or_create(
                generation=generation,
                customer_id=UUID(customer.customer_id),
                defaults={
                    "first_paid_at": customer.first_paid_at,
                    "last_paid_day": customer.last_paid_day,
                },
            )

    def add_to_buckets(self, deltas: dict[tuple[datetime, str], Bucket]) -> None:
        hours: dict[tuple[datetime, str], Bucket] = {}
        for (start, currency), bucket in sorted(deltas.items()):
            self._add_to(rows.SalesBucket, start, currency, bucket)
            hours.setdefault((start.replace(minute=0), currency), Bucket()).add(bucket)
        for (start, currency), bucket in sorted(hours.items()):
            self._add_to(rows.SalesHour, start, currency, bucket)

    def _add_to(self, model: type[Any], start: datetime, currency: str, bucket: Bucket) -> None:
        changes = _increments(bucket)
        if not changes:
            return
        row = self._add(model, {"start": start, "currency": currency}, changes)
        # A status moved away can take a row back to nothing: no row then, as a replay that
        # saw both moves in one batch never writes one.
        if any(n < 0 for n in bucket.statuses.values()):
            row.filter(**dict.fromkeys(BUCKET_COLUMNS, 0)).delete()

    def add_order_values(self, deltas: dict[tuple[date, str, int], int]) -> None:
        weeks: dict[tuple[date, str, int], int] = {}
        for (day, currency, bucket), orders in sorted(deltas.items()):
            self._add(
                rows.OrderValueCount,
                {"day": day, "currency": currency, "bucket": bucket},
                {"orders": F("orders") + orders},
            )
            key = (week_of(day), currency, bucket)
            weeks[key] = weeks.get(key, 0) + orders
        for (week, currency, bucket), orders in sorted(weeks.items()):
            self._add(
                rows.WeeklyOrderValueCount,
                {"week": week, "currency": currency, "bucket": bucket},
                {"orders": F("orders") + orders},
            )

    def add_status_counts(self, deltas: dict[str, int]) -> None:
        for status, orders in sorted(deltas.items()):
            row = self._add(
                rows.OrderStatusCount, {"status": status}, {"orders": F("orders") + orders}
            )
            if orders < 0:
                row.filter(orders=0).delete()  # as a replay would have no row

    def all(self) -> list[tuple[Any, ...]]:
        """Return every row of this generation (or the live one), as (table, values...) sorted
        (for checks and rebuild tests)."""
        found: list[tuple[Any, ...]] = []
        for model in TABLES:
            fields = sorted(
                f.name
                for f in model._meta.concrete_fields
                if f.name not in {"id", "tenant", "generation"}
            )
            values = self._rows(model).values_list(*fields)
            found.extend((model.__name__, *row) for row in values)
        return sorted(found, key=repr)

    def drop(self) -> None:
        """Delete this generation's rows of the current tenant."""
        for model in TABLES:
            self._rows(model).delete()
