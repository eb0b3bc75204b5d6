"""Reserve, release and commit stock for orders, in the caller's transaction.

Stock rows are locked with ``SELECT ... FOR UPDATE`` in product-id order (``lock_order``), so
two orders sharing products queue instead of deadlocking; the counts change in one bulk
UPDATE, whatever the number of lines, and the database's check constraint refuses oversell
even if every rule above it were wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from uuid import UUID

from emporium.infrastructure.bus import message_bus
from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from emporium.inventory import models as rows
from emporium.inventory.adapters.ledger import write_stock
from emporium.inventory.domain.reservation import ReservationStatus, lock_order
from emporium.inventory.domain.stock import StockItem
from emporium.multitenancy.context import current_tenant_slug


class _Stock:
    """Locked stock rows of one operation, as aggregates, written back in bulk."""

    def __init__(self, uow: DjangoUnitOfWork, product_ids: Iterable[UUID]) -> None:
        self.uow = uow
        ids = lock_order(product_ids)
        locked = (
            rows.StockItem.objects.db_manager(uow.using)
            .select_for_update()
            .filter(product_id__in=ids)
            .order_by("product_id")
        )
        self.rows = {row.product_id: row for row in locked}
        self.items = {
            pid: StockItem(
                id=pid,
                version=self.rows[pid].version if pid in self.rows else 0,
                on_hand=self.rows[pid].on_hand if pid in self.rows else 0,
                reserved=self.rows[pid].reserved if pid in self.rows else 0,
            )
            for pid in ids
        }
        for item in self.items.values():
            uow.track(item)

    def write(self, kind: str, reference: str) -> None:
        """Store the changed counts and one ledger line per product."""
        changes = [
            (row, item)
            for pid, item in self.items.items()
            if (row := self.rows.get(pid)) is not None
            and (row.on_hand, row.reserved) != (item.on_hand, item.reserved)
        ]
        write_stock(self.uow.using, changes, kind=kind, reference=reference)


def reserve_for_order(
    order_id: UUID, items: Sequence[tuple[UUID, int]], expires_at: datetime
) -> None:
    """Hold ``quantity`` of each product for the order; Conflict naming the first one short."""
    with DjangoUnitOfWork(message_bus(), tenant=current_tenant_slug) as uow:
        stock = _Stock(uow, [pid for pid, _ in items])
        for product_id, quantity in sorted(items):
            stock.items[product_id].reserve(quantity, order_id=order_id)
        stock.write("reserve", f"order {order_id}")
        rows.Reservation.objects.db_manager(uow.using).bulk_create(
            rows.Reservation(
                order_id=order_id, product_id=pid, quantity=quantity, expires_at=expires_at
            )
            for pid, quantity in items
        )
        uow.commit()


def _end(order_id: UUID, status: ReservationStatus) -> None:
    with DjangoUnitOfWork(message_bus(), tenant=current_tenant_slug) as uow:
        active = list(
            rows.Reservation.objects.db_manager(uow.using)
            .select_for_update()
            .filter(order_id=order_id, status=ReservationStatus.ACTIVE.value)
            .order_by("product_id")
        )
        stock = _Stock(uow, [r.product_id for r in active])
        for reservation in active:
            item = stock.items[reservation.product_id]
            if status is ReservationStatus.COMMITTED:
                item.commit(reservation.quantity, order_id=order_id)
            else:
                item.release(reservation.quantity, order_id=order_id)
        kind = "commit" if status is ReservationStatus.COMMITTED else "release"
        stock.write(kind, f"order {order_id}")
        rows.Reservation.objects.db_manager(uow.using).filter(pk__in=[r.pk for r in active]).update(
            status=status.value
        )
        uow.commit()


def release_for_order(order_id: UUID) -> None:
    """Return an order's reserved units to sale (cancelled or expired)."""
    _end(order_id, ReservationStatus.RELEASED)


def commit_for_order(order_id: UUID) -> None:
    """Sell an order's reserved units (paid)."""
    _end(order_id, ReservationStatus.COMMITTED)
