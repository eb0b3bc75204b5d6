"""Orders on the ORM: rows and lines mapped explicitly, events kept as the order's history."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from emporium.multitenancy.context import current_tenant_slug
from emporium.ordering import models as rows
from emporium.ordering.domain.order import CancelReason, Order, OrderLine, OrderStatus
from emporium.shared_kernel.messagebus import MessageBus


def to_domain(row: rows.Order, lines: list[rows.OrderLine]) -> Order:
    """Return the aggregate of an order row and its lines."""
    return Order(
        id=row.id,
        version=row.version,
        customer_id=row.customer_id,
        currency=row.currency,
        tax_rate=Decimal(row.tax_rate),
        lines=tuple(
            OrderLine(line.product_id, line.name, line.unit_price, line.quantity)
            for line in sorted(lines, key=lambda line: line.position)
        ),
        status=OrderStatus(row.status),
        reserved_until=row.reserved_until,
        created_at=row.created_at,
        payment_id=row.payment_id,
        paid_at=row.paid_at,
        cancel_reason=CancelReason(row.cancel_reason) if row.cancel_reason else None,
    )


def _fields(order: Order) -> dict[str, object]:
    return {
        "status": order.status.value,
        "subtotal": order.subtotal,
        "tax": order.tax,
        "total": order.total,
        "reserved_until": order.reserved_until,
        "payment_id": order.payment_id,
        "paid_at": order.paid_at,
        "cancel_reason": order.cancel_reason.value if order.cancel_reason else "",
        "version": order.version,
    }


class DjangoOrderRepository:
    """Implement ``OrderRepository``; a constant number of queries whatever the lines."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow

    def _history(self, order: Order) -> None:
        rows.OrderEvent.objects.db_manager(self.uow.using).bulk_create(
            rows.OrderEvent(
                id=event.event_id,
                order_id=order.id,
                version=event.aggregate_version,
                type=event.type,
                occurred_at=event.occurred_at,
                payload=event.payload(),
            )
            for event in order.events  # not pulled: the unit of work takes them at commit
        )

    def add(self, order: Order) -> None:
        row = rows.Order(
            id=order.id,
            customer_id=order.customer_id,
            currency=order.currency,
            tax_rate=order.tax_rate,
            created_at=order.created_at,
            **_fields(order),
        )
        row.save(using=self.uow.using, force_insert=True)
        rows.OrderLine.objects.db_manager(self.uow.using).bulk_create(
            rows.OrderLine(
                order=row,
                position=position,
                product_id=line.product_id,
                name=line.name,
                currency=order.currency,
                unit_price=line.unit_price,  # type: ignore[misc]
                quantity=line.quantity,
            )
            for position, line in enumerate(order.lines)
        )
        self._history(order)
        self.uow.track(order)

    def get_for_update(self, order_id: UUID) -> Order | None:
        row = (
            rows.Order.objects.db_manager(self.uow.using)
            .select_for_update()
            .filter(pk=order_id)
            .first()
        )
        if row is None:
            return None
        lines = list(rows.OrderLine.objects.db_manager(self.uow.using).filter(order_id=order_id))
        order = to_domain(row, lines)
        self.uow.track(order)
        return order

    def save(self, order: Order) -> None:
        rows.Order.objects.db_manager(self.uow.using).filter(pk=order.id).update(**_fields(order))
        self._history(order)
        self.uow.track(order)

    def expired_ids(self, now: datetime, limit: int) -> list[UUID]:
        return list(
            rows.Order.objects.db_manager(self.uow.using)
            .filter(status=OrderStatus.CONFIRMED.value, reserved_until__lte=now)
            .order_by("reserved_until")
            .values_list("id", flat=True)[:limit]
        )


class DjangoOrderingUnitOfWork(DjangoUnitOfWork):
    """The unit of work of ordering use cases."""

    def __init__(self, bus: MessageBus, using: str = "default") -> None:
        super().__init__(bus, tenant=current_tenant_slug, using=using)
        self.orders = DjangoOrderRepository(self)
