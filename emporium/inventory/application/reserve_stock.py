"""Use case: hold stock for an order's lines until it is paid or let go."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from emporium.inventory.application.ports import InventoryUnitOfWork
from emporium.inventory.domain.reservation import lock_order, reserve


@dataclass(frozen=True)
class ReserveStock:
    order_id: UUID
    lines: Sequence[tuple[UUID, int]]  # (product id, quantity), one per product
    expires_at: datetime


def reserve_stock(command: ReserveStock, uow: InventoryUnitOfWork) -> None:
    """Hold each line's quantity for the order; Conflict naming the first product short.

    Stock is locked in ``lock_order``, so two orders sharing products queue instead of
    deadlocking; nothing is held unless every line can be.
    """
    with uow:
        stock = uow.stock.lock_many(lock_order(pid for pid, _ in command.lines))
        held = [
            reserve(stock[product_id], command.order_id, quantity, command.expires_at)
            for product_id, quantity in sorted(command.lines)
        ]
        uow.stock.save_changed(
            stock.values(), movement="reserve", reference=f"order {command.order_id}"
        )
        uow.reservations.add(held)
        uow.commit()
