"""``SalesStore`` on the ORM: row locks for an order's events, increments for a day's figures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F

from emporium.analytics import models as rows
from emporium.analytics.adapters import locks
from emporium.analytics.domain.facts import DayFigures, OrderFact
from emporium.multitenancy.context import require_tenant
from emporium.shared_kernel.money import Money


def to_domain(row: rows.OrderFact) -> OrderFact:
    """Return the domain fact of ``row``."""
    revenue = Money(row.revenue_minor, row.currency) if row.placed_on is not None else None
    return OrderFact(
        order_id=str(row.order_id),
        placed_on=row.placed_on,
        units=row.units,
        revenue=revenue,
        cancelled=row.cancelled,
    )


def figures_of(row: rows.DailySales) -> DayFigures:
    """Return the figures of a day row."""
    return DayFigures(
        row.day, row.currency, row.orders, row.units, row.revenue_minor, row.refunds_minor
    )


class DjangoSalesStore:
    """Implement ``SalesStore`` on the current tenant's rows; call it inside a transaction."""

    def __init__(self, using: str = "default") -> None:
        self.using = using

    def lock_read_model(self, *, exclusive: bool) -> None:
        locks.hold_until_commit(require_tenant().id, exclusive=exclusive, using=self.using)

    def lock_fact(self, order_id: str) -> OrderFact:
        facts = rows.OrderFact.objects.db_manager(self.using)
        # Insert-or-nothing, then lock: two events of one order (a place and a cancel delivered
        # at once) take turns on the row instead of both finding none and both inserting.
        facts.bulk_create([rows.OrderFact(order_id=UUID(order_id))], ignore_conflicts=True)
        return to_domain(facts.select_for_update().get(order_id=order_id))

    def save_fact(self, fact: OrderFact) -> None:
        rows.OrderFact.objects.db_manager(self.using).filter(order_id=fact.order_id).update(
            placed_on=fact.placed_on,
            units=fact.units,
            revenue_minor=fact.revenue.minor if fact.revenue else 0,
            currency=fact.revenue.currency if fact.revenue else "",
            cancelled=fact.cancelled,
        )

    def record_refund_once(self, refund_id: str, order_id: str) -> bool:
        refunds = rows.RefundFact.objects.db_manager(self.using)
        try:
            with transaction.atomic(using=self.using):  # a savepoint: the delivery goes on
                refunds.create(refund_id=UUID(refund_id), order_id=UUID(order_id))
        except IntegrityError:
            return False
        return True

    def add_to_day(self, delta: DayFigures) -> None:
        days = rows.DailySales.objects.db_manager(self.using)
        key = {"day": delta.day, "currency": delta.currency}
        days.bulk_create([rows.DailySales(**key)], ignore_conflicts=True)
        # One UPDATE that adds in the database: concurrent orders of one day queue on the row
        # lock and each adds to the committed value, so none is lost.
        days.filter(**key).update(
            orders=F("orders") + delta.orders,
            units=F("units") + delta.units,
            revenue_minor=F("revenue_minor") + delta.revenue_minor,
            refunds_minor=F("refunds_minor") + delta.refunds_minor,
        )

    def days(self, start: date, end: date, currency: str) -> Iterator[DayFigures]:
        found = rows.DailySales.objects.db_manager(self.using).filter(
            day__range=(start, end), currency=currency
        )
        for row in found.order_by("day"):
            yield figures_of(row)

    def all_days(self) -> Iterator[DayFigures]:
        found = rows.DailySales.objects.db_manager(self.using).order_by("day", "currency")
        for row in found:
            yield figures_of(row)

    def reset(self) -> None:
        rows.OrderFact.objects.db_manager(self.using).all().delete()
        rows.RefundFact.objects.db_manager(self.using).all().delete()
        rows.DailySales.objects.db_manager(self.using).all().delete()
