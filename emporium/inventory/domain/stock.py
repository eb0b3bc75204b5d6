"""Stock of one product: what is on hand, what is reserved, and what is left to sell."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from emporium.inventory.domain.events import StockAdjusted
from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.errors import Conflict, InvalidInput

MAX_ON_HAND = 1_000_000_000


@dataclass(kw_only=True, eq=False)
class StockItem(Aggregate[UUID]):
    """Stock of a product (``id`` is the product's id). Invariant: 0 <= reserved <= on_hand."""

    on_hand: int = 0
    reserved: int = 0

    @property
    def available(self) -> int:
        """Return what can still be reserved."""
        return self.on_hand - self.reserved

    def set_on_hand(self, on_hand: int, expected_on_hand: int | None = None) -> None:
        """Count the stock anew; ``expected_on_hand`` guards against a concurrent count."""
        if (
            isinstance(on_hand, bool)
            or not isinstance(on_hand, int)
            or not 0 <= on_hand <= MAX_ON_HAND
        ):
            raise InvalidInput(
                "on_hand must be a whole number from 0.",
                errors={"on_hand": ["A whole number >= 0."]},
            )
        if expected_on_hand is not None and expected_on_hand != self.on_hand:
            raise Conflict(
                f"on_hand is {self.on_hand}, not the expected {expected_on_hand}.",
                code="stale-expected-on-hand",
            )
        if on_hand < self.reserved:
            raise Conflict(
                f"{self.reserved} units are reserved; on_hand cannot go below that.",
                code="below-reserved",
            )
        old, self.on_hand = self.on_hand, on_hand
        if old != on_hand:
            self.record(
                StockAdjusted, product_id=str(self.id), old_on_hand=old, new_on_hand=on_hand
            )
