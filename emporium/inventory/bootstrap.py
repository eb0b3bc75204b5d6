"""Wire inventory use cases to their adapters."""

from __future__ import annotations

from uuid import UUID

from emporium.catalog.public import product_exists
from emporium.infrastructure.bus import message_bus
from emporium.inventory.adapters.repository import DjangoInventoryUnitOfWork
from emporium.inventory.application import end_reservations
from emporium.inventory.application import reserve_stock as reserving
from emporium.inventory.application import return_stock as returning
from emporium.inventory.application.use_cases import SetStock, set_stock
from emporium.inventory.domain.stock import StockItem


class CatalogAdapter:
    """Inventory's view of the catalog."""

    def exists(self, product_id: UUID) -> bool:
        return product_exists(product_id)


def _unit_of_work() -> DjangoInventoryUnitOfWork:
    return DjangoInventoryUnitOfWork(message_bus())


def count_stock(cmd: SetStock) -> StockItem:
    """Set a product's stock of the current tenant (compare-and-set with ``expected_on_hand``)."""
    return set_stock(cmd, _unit_of_work(), CatalogAdapter())


def reserve_stock(cmd: reserving.ReserveStock) -> None:
    """Hold stock for an order of the current tenant, in the caller's transaction."""
    reserving.reserve_stock(cmd, _unit_of_work())


def release_reservations(cmd: end_reservations.ReleaseReservations) -> None:
    """Return an order's held units to sale (cancelled or expired)."""
    end_reservations.release_reservations(cmd, _unit_of_work())


def commit_reservations(cmd: end_reservations.CommitReservations) -> None:
    """Sell an order's held units (paid)."""
    end_reservations.commit_reservations(cmd, _unit_of_work())


def return_stock(cmd: returning.ReturnStock) -> None:
    """Put a refunded order's units back on sale, in the caller's transaction."""
    returning.return_stock(cmd, _unit_of_work())
