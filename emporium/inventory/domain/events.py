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
