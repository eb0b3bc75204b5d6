"""Stock on the ORM: rows locked with SELECT ... FOR UPDATE, every change in the ledger."""

from __future__ import annotations

from uuid import UUID

from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from emporium.inventory import models as rows
from emporium.inventory.adapters.ledger import write_stock
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
        self._loaded[product_id] = row
        item = StockItem(
            id=product_id, version=row.version, on_hand=row.on_hand, reserved=row.reserved
        )
        self.uow.track(item)
        return item

    def save(self, item: StockItem, *, movement: str, reference: str = "") -> None:
        write_stock(
            self.uow.using, [(self._loaded[item.id], item)], kind=movement, reference=reference
        )


class DjangoInventoryUnitOfWork(DjangoUnitOfWork):
    """The unit of work of inventory use cases."""

    def __init__(self, bus: MessageBus, using: str = "default") -> None:
        super().__init__(bus, tenant=current_tenant_slug, using=using)
        self.stock = DjangoStockRepository(self)
