"""Inventory use cases."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from emporium.inventory.application.ports import Catalog, InventoryUnitOfWork
from emporium.inventory.domain.stock import StockItem
from emporium.shared_kernel.errors import NotFound


@dataclass(frozen=True)
class SetStock:
    product_id: UUID
    on_hand: int
    expected_on_hand: int | None = None


def set_stock(cmd: SetStock, uow: InventoryUnitOfWork, catalog: Catalog) -> StockItem:
    """Count a product's stock anew (compare-and-set when ``expected_on_hand`` is given)."""
    with uow:
        if not catalog.exists(cmd.product_id):
            raise NotFound("No such product.")
        item = uow.stock.get_for_update(cmd.product_id)
        before = item.on_hand
        item.set_on_hand(cmd.on_hand, cmd.expected_on_hand)
        uow.stock.save(item, movement="adjust", reference=f"count {before} -> {item.on_hand}")
        uow.commit()
    return item
