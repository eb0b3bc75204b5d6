"""Ports of the inventory context."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol
from uuid import UUID

from emporium.inventory.domain.reservation import Reservation
from emporium.inventory.domain.stock import StockItem
from emporium.shared_kernel.unit_of_work import UnitOfWork


class StockRepository(Protocol):
    """Stock items of the current tenant."""

    def get_for_update(self, product_id: UUID) -> StockItem:
        """Return the product's stock, locked until the unit of work ends (zero if none yet)."""
        ...

    def lock_many(self, product_ids: Sequence[UUID]) -> dict[UUID, StockItem]:
        """Return the products' stock, locked in the order given (zero where none is kept)."""
        ...

    def save(self, item: StockItem, *, movement: str, reference: str = "") -> None:
        """Store the item and one ledger line of what moved."""
        ...

    def save_changed(self, items: Iterable[StockItem], *, movement: str, reference: str) -> None:
        """Store the items whose counts changed, each with one ledger line."""
        ...


class ReservationRepository(Protocol):
    """Units held for orders, one reservation per (order, product)."""

    def add(self, reservations: Sequence[Reservation]) -> None: ...

    def active_for_update(self, order_id: UUID) -> list[Reservation]:
        """Return the order's active reservations by product id, locked."""
        ...

    def save(self, reservations: Sequence[Reservation]) -> None:
        """Store the reservations' new status."""
        ...


class Catalog(Protocol):
    """What inventory needs to know of products."""

    def exists(self, product_id: UUID) -> bool:
        """Return whether the product exists in the current tenant."""
        ...


class InventoryUnitOfWork(UnitOfWork, Protocol):
    """A unit of work with the stock and reservation repositories."""

    @property
    def stock(self) -> StockRepository:
        """Return the stock repository."""
        ...

    @property
    def reservations(self) -> ReservationRepository:
        """Return the reservation repository."""
        ...
