"""Wire inventory use cases to their adapters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from emporium.catalog.public import product_exists
from emporium.infrastructure.bus import message_bus
from emporium.inventory.adapters.repository import DjangoInventoryUnitOfWork
from emporium.inventory.application.end_reservations import (
    commit_reservations,
    release_reservations,
)
from emporium.inventory.application.reserve_stock import ReserveStock, reserve_stock
from emporium.inventory.application.use_cases import SetStock, set_stock
from emporium.inventory.domain.stock import StockItem


class CatalogAdapter:
    """Inventory's view of the catalog."""

    def exists(self, product_id: UUID) -> bool:
        return product_exists(product_id)


def count_stock(product_id: UUID, on_hand: int, expected_on_hand: int | None = None) -> StockItem:
    """Set a product's stock of the current tenant (compare-and-set with ``expected_on_hand``)."""
    return set_stock(
        SetStock(product_id, on_hand, expected_on_hand),
        DjangoInventoryUnitOfWork(message_bus()),
        CatalogAdapter(),
    )


def reserve_for_order(
    order_id: UUID, lines: Sequence[tuple[UUID, int]], expires_at: datetime
) -> None:
    """Hold stock for an order of the current tenant, in the caller's transaction."""
    reserve_stock(
        ReserveStock(order_id, lines, expires_at), DjangoInventoryUnitOfWork(message_bus())
    )


def release_for_order(order_id: UUID) -> None:
    """Return an order's held units to sale (cancelled or expired)."""
    release_reservations(order_id, DjangoInventoryUnitOfWork(message_bus()))


def commit_for_order(order_id: UUID) -> None:
    """Sell an order's held units (paid)."""
    commit_reservations(order_id, DjangoInventoryUnitOfWork(message_bus()))
