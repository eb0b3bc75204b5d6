"""Orders on the ORM: folded from their event streams, with the order row as their snapshot.

The row and its lines are written in the same transaction as the events, so that lists, the
admin and row locks keep working; ``verify_orders`` checks that they agree with the streams.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from emporium.multitenancy.context import current_tenant_slug
from emporium.ordering import models as rows
from emporium.ordering.adapters.event_store import DjangoOrderEventStore
from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.domain.order import (
    CancelReason,
    FulfilmentStatus,
    Order,
    OrderLine,
    OrderStatus,
)
from emporium.shared_kernel.errors import ConcurrentUpdate
from emporium.shared_kernel.messagebus import MessageBus


def to_domain(row: rows.Order, lines: list[rows.OrderLine]) -> Order:
    """Return the order as its snapshot (the row and its lines) has it."""
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
        shipping_address=(
            ShippingAddress.from_dict(row.shipping_address) if row.shipping_address else None
        ),
        fulfilment_status=(
            FulfilmentStatus(row.fulfilment_status) if row.fulfilment_status else None
        ),
        carrier=row.carrier or None,
        tracking_number=row.tracking_number or None,
        shipped_at=row.shipped_at,
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
        "fulfilment_status": order.fulfilment_status.value if order.fulfilment_status else "",
        "carrier": order.carrier or "",
        "tracking_number": order.tracking_number or "",
        "shipped_at": order.shipped_at,
        "version": order.version,
    }


class DjangoOrderRepository:
    """Implement ``OrderRepository``; a constant number of queries whatever the lines."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow
        self.events = DjangoOrderEventStore(uow.using)
        # The version each order had in the database when this unit of work loaded or stored
        # it: its events are pulled only at commit, so a second save must skip the first's.
        self._stored: dict[UUID, int] = {}

    def _append(self, order: Order, stored: int) -> None:
        new = [event for event in order.events if event.aggregate_version > stored]
        self.events.append(order.id, stored, new)
        self._stored[order.id] = order.version

    def add(self, order: Order) -> None:
        row = rows.Order(
            id=order.id,
            customer_id=order.customer_id,
            currency=order.currency,
            tax_rate=order.tax_rate,
            created_at=order.created_at,
            shipping_address=order.shipping_address.to_dict() if order.shipping_address else None,
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
        self._append(order, 0)
        self.uow.track(order)

    def get_for_update(self, order_id: UUID) -> Order | None:
        # The row is the lock (payments and the expiry sweep take it too); the stream is the state.
        locked = (
            rows.Order.objects.db_manager(self.uow.using)
            .select_for_update()
            .filter(pk=order_id)
            .exists()
        )
        if not locked:
            return None
        order = Order.from_events(self.events.load(order_id))
        self._stored[order.id] = order.version
        self.uow.track(order)
        return order

    def save(self, order: Order) -> None:
        loaded = self._stored.get(order.id, order.version - len(order.events))
        if order.version == loaded:
            return  # nothing new since it was loaded or last saved
        # Optimistic concurrency on the snapshot too: it moves only from the version we read.
        changed = (
            rows.Order.objects.db_manager(self.uow.using)
            .filter(pk=order.id, version=loaded)
            .update(**_fields(order))
        )
        if not changed:
            raise ConcurrentUpdate(f"Order {order.id} was changed by another request; try again.")
        self._append(order, loaded)
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
