"""Events of the inventory context."""

from __future__ import annotations

from dataclasses import dataclass

from emporium.shared_kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class StockAdjusted(DomainEvent):
    context = "inventory"

    product_id: str
    old_on_hand: int
    new_on_hand: int


@dataclass(frozen=True, kw_only=True)
class StockMoved(DomainEvent):
    """Units of a product moved for an order; ``on_hand`` and ``reserved`` are the counts after."""

    product_id: str
    quantity: int
    on_hand: int
    reserved: int
    order_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class StockReserved(StockMoved):
    """Units set aside for an order."""

    context = "inventory"


@dataclass(frozen=True, kw_only=True)
class StockReleased(StockMoved):
    """Reserved units returned to sale (cancel, expiry)."""

    context = "inventory"


@dataclass(frozen=True, kw_only=True)
class StockCommitted(StockMoved):
    """Reserved units sold (payment): they leave both on_hand and reserved."""

    context = "inventory"


@dataclass(frozen=True, kw_only=True)
class StockReturned(StockMoved):
    """Sold units back on sale (a refunded order restocked): on_hand grows."""

    context = "inventory"
