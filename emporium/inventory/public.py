"""What other contexts may use of inventory: holding stock for orders, taking it back."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from emporium.catalog.public import published_product_ids
from emporium.inventory import bootstrap
from emporium.inventory.adapters.queries import out_of_stock
from emporium.inventory.application.end_reservations import (
    CommitReservations,
    ReleaseReservations,
)
from emporium.inventory.application.reserve_stock import ReserveStock
from emporium.inventory.application.return_stock import ReturnStock


def reserve_for_order(
    order_id: UUID, lines: Sequence[tuple[UUID, int]], expires_at: datetime
) -> None:
    """Hold stock for an order of the current tenant, in the caller's transaction."""
    bootstrap.reserve_stock(ReserveStock(order_id, lines, expires_at))


def products_out_of_stock() -> int:
    """Return how many of the current tenant's published products have nothing available."""
    return out_of_stock(published_product_ids())


def release_for_order(order_id: UUID) -> None:
    """Return an order's held units to sale (cancelled or expired)."""
    bootstrap.release_reservations(ReleaseReservations(order_id))


def commit_for_order(order_id: UUID) -> None:
    """Sell an order's held units (paid)."""
    bootstrap.commit_reservations(CommitReservations(order_id))


def return_for_order(order_id: UUID, lines: Sequence[tuple[UUID, int]]) -> None:
    """Put a refunded order's units back on sale."""
    bootstrap.return_stock(ReturnStock(order_id, lines))


__all__ = [
    "commit_for_order",
    "products_out_of_stock",
    "release_for_order",
    "reserve_for_order",
    "return_for_order",
]
