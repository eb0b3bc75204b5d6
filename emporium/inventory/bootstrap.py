"""Wire inventory use cases to their adapters."""

from __future__ import annotations

from uuid import UUID

from emporium.catalog.public import product_exists
from emporium.infrastructure.bus import message_bus
from emporium.inventory.adapters.repository import DjangoInventoryUnitOfWork
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
