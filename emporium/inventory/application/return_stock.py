"""Use case: put a refunded order's units back on sale, when the shop asks for it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from emporium.inventory.application.ports import InventoryUnitOfWork
from emporium.inventory.domain.reservation import lock_order


@dataclass(frozen=True)
class ReturnStock:
    order_id: UUID
    lines: Sequence[tuple[UUID, int]]  # (product id, quantity), one per product


def return_stock(command: ReturnStock, uow: InventoryUnitOfWork) -> None:
    """Add each line's quantity to its product's stock on hand, with a ``return`` ledger line."""
    with uow:
        # One by one in lock order; get_for_update keeps a row for a product that lost its own.
        stock = [uow.stock.get_for_update(pid) for pid in lock_order(p for p, _ in command.lines)]
        quantities = dict(command.lines)
        for item in stock:
            item.restock(quantities[item.id], order_id=command.order_id)
        uow.stock.save_changed(stock, movement="return", reference=f"order {command.order_id}")
        uow.commit()
