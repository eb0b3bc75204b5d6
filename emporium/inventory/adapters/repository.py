"""Stock and reservations on the ORM: rows locked with SELECT ... FOR UPDATE, every change in
the ledger, counts written in one bulk UPDATE whatever the number of lines.

The database's check constraint refuses oversell even if every rule above it were wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from uuid import UUID

from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from emporium.inventory import models as rows
from emporium.inventory.adapters.ledger import write_stock
from emporium.inventory.domain.reservation import Reservation, ReservationStatus
from emporium.inventory.domain.stock import StockItem
from emporium.multitenancy.context import current_tenant_slug
from emporium.shared_kernel.messagebus import MessageBus


class DjangoStockRepository:
    """Implement ``StockRepository``; keeps each locked row to write the ledger's deltas."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow
        self._loaded: dict[UUID, rows.StockItem] = {}

    def get_for_update(self, product_id: UUID) -> StockItem:
        manager = rows.StockItem.objects.db_manager(self.uow.using)
        # The first count of a product creates its row; a concurrent first count loses nothing.
        manager.bulk_create([rows.StockItem(product_id=product_id)], ignore_conflicts=True)
        row = manager.select_for_update().get(product_id=product_id)
        return self._track(product_id, row)

    def lock_many(self, product_ids: Sequence[UUID]) -> dict[UUID, StockItem]:
        # ORDER BY product_id takes the locks in lock_order's order (PostgreSQL orders uuids
        # as Python does).
        locked = (
            rows.StockItem.objects.db_manager(self.uow.using)
            .select_for_update()
            .filter(product_id__in=product_ids)
            .order_by("product_id")
        )
        found = {row.product_id: row for row in locked}
        return {pid: self._track(pid, found.get(pid)) for pid in product_ids}

    def save(self, item: StockItem, *, movement: str, reference: str = "") -> None:
        write_stock(
            self.uow.using, [(self._loaded[item.id], item)], kind=movement, reference=reference
        )

    def save_changed(self, items: Iterable[StockItem], *, movement: str, reference: str) -> None:
        changes = [
            (row, item)
            for item in items
            if (row := self._loaded.get(item.id)) is not None
            and (row.on_hand, row.reserved) != (item.on_hand, item.reserved)
        ]
        write_stock(self.uow.using, changes, kind=movement, reference=reference)

    def _track(self, product_id: UUID, row: rows.StockItem | None) -> StockItem:
        if row is None:  # no stock kept for the product: nothing to hold or write
            item = StockItem(id=product_id, version=0, on_hand=0, reserved=0)
        else:
            self._loaded[product_id] = row
            item = StockItem(
                id=product_id, version=row.version, on_hand=row.on_hand, reserved=row.reserved
            )
        self.uow.track(item)
        return item


class DjangoReservationRepository:
    """Implement ``ReservationRepository`` on ``inventory_reservation``."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow

    def add(self, reservations: Sequence[Reservation]) -> None:
        rows.Reservation.objects.db_manager(self.uow.using).bulk_create(
            rows.Reservation(
                order_id=r.order_id,
                product_id=r.product_id,
                quantity=r.quantity,
                expires_at=r.expires_at,
                status=r.status.value,
            )
            for r in reservations
        )

    def active_for_update(self, order_id: UUID) -> list[Reservation]:
        active = (
            rows.Reservation.objects.db_manager(self.uow.using)
            .select_for_update()
            .filter(order_id=order_id, status=ReservationStatus.ACTIVE.value)
            .order_by("product_id")
        )
        return [
            Reservation(
                order_id=row.order_id,
                product_id=row.product_id,
                quantity=row.quantity,
                expires_at=row.expires_at,
                status=ReservationStatus(row.status),
            )
            for row in active
        ]

    def save(self, reservations: Sequence[Reservation]) -> None:
        # One UPDATE per (order, status): an order's reservations end together.
        groups: dict[tuple[UUID, ReservationStatus], list[UUID]] = defaultdict(list)
        for r in reservations:
            groups[(r.order_id, r.status)].append(r.product_id)
        manager = rows.Reservation.objects.db_manager(self.uow.using)
        for (order_id, status), product_ids in groups.items():
            manager.filter(order_id=order_id, product_id__in=product_ids).update(
                status=status.value
            )


class DjangoInventoryUnitOfWork(DjangoUnitOfWork):
    """The unit of work of inventory use cases."""

    def __init__(self, bus: MessageBus, using: str = "default") -> None:
        super().__init__(bus, tenant=current_tenant_slug, using=using)
        self.stock = DjangoStockRepository(self)
        self.reservations = DjangoReservationRepository(self)
