"""Use cases: sell an order's held stock when it is paid, or return it to sale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from emporium.inventory.application.ports import InventoryUnitOfWork
from emporium.inventory.domain.reservation import Reservation, commit, lock_order, release
from emporium.inventory.domain.stock import StockItem

Ending = Callable[[StockItem, Reservation], Reservation]


@dataclass(frozen=True)
class CommitReservations:
    order_id: UUID


@dataclass(frozen=True)
class ReleaseReservations:
    order_id: UUID


def commit_reservations(cmd: CommitReservations, uow: InventoryUnitOfWork) -> None:
    """Sell an order's held units (it is paid): they leave the stock."""
    _end(cmd.order_id, uow, commit, "commit")


def release_reservations(cmd: ReleaseReservations, uow: InventoryUnitOfWork) -> None:
    """Return an order's held units to sale (it was cancelled or expired)."""
    _end(cmd.order_id, uow, release, "release")


def _end(order_id: UUID, uow: InventoryUnitOfWork, ending: Ending, movement: str) -> None:
    # An order with nothing held (already ended) changes nothing.
    with uow:
        active = uow.reservations.active_for_update(order_id)
        stock = uow.stock.lock_many(lock_order(r.product_id for r in active))
        ended = [ending(stock[r.product_id], r) for r in active]
        uow.stock.save_changed(stock.values(), movement=movement, reference=f"order {order_id}")
        uow.reservations.save(ended)
        uow.commit()
