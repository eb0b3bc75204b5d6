"""Ports of the inventory context."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from emporium.inventory.domain.stock import StockItem
from emporium.shared_kernel.unit_of_work import UnitOfWork


class StockRepository(Protocol):
    """Stock items of the current tenant."""

    def get_for_update(self, product_id: UUID) -> StockItem:
        """Return the product's stock, locked until the unit of work ends (zero if none yet)."""
        ...

    def save(self, item: StockItem, *, movement: str, reference: str = "") -> None:
        """Store the item and one ledger line of what moved."""
        ...


class Catalog(Protocol):
    """What inventory needs to know of products."""

    def exists(self, product_id: UUID) -> bool:
        """Return whether the product exists in the current tenant."""
        ...


class InventoryUnitOfWork(UnitOfWork, Protocol):
    """A unit of work with the stock repository."""

    @property
    def stock(self) -> StockRepository:
        """Return the stock repository."""
        ...
