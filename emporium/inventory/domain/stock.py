"""Stock of one product: what is on hand, what is reserved, and what is left to sell."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from emporium.inventory.domain.events import (
    StockAdjusted,
    StockCommitted,
    StockReleased,
    StockReserved,
    StockReturned,
)
from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.errors import BusinessRuleViolation, Conflict, InvalidInput

MAX_ON_HAND = 1_000_000_000


@dataclass(kw_only=True, eq=False)
class StockItem(Aggregate[UUID]):
    """Stock of a product (``id`` is the product's id). Invariant: 0 <= reserved <= on_hand."""

    on_hand: int = 0
    reserved: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.reserved <= self.on_hand:
            raise ValueError(f"Stock needs 0 <= reserved <= on_hand, not {self!r}.")

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

    def reserve(self, quantity: int, *, order_id: UUID | None = None) -> None:
        """Set ``quantity`` units aside; a Conflict naming the product when too few are left."""
        _require_quantity(quantity)
        if self.available < quantity:
            raise Conflict(
                f"Insufficient stock for product {self.id}: "
                f"{quantity} requested, {self.available} available.",
                code="insufficient-stock",
            )
        self.reserved += quantity
        self._record(StockReserved, quantity, order_id)

    def release(self, quantity: int, *, order_id: UUID | None = None) -> None:
        """Return ``quantity`` reserved units to sale (a cancelled or expired order)."""
        _require_quantity(quantity)
        self._require_reserved(quantity)
        self.reserved -= quantity
        self._record(StockReleased, quantity, order_id)

    def commit(self, quantity: int, *, order_id: UUID | None = None) -> None:
        """Sell ``quantity`` reserved units (a paid order): they leave on_hand and reserved."""
        _require_quantity(quantity)
        self._require_reserved(quantity)
        # Both drop by the same amount, so available is unchanged and reserved <= on_hand holds.
        self.on_hand -= quantity
        self.reserved -= quantity
        self._record(StockCommitted, quantity, order_id)

    def restock(self, quantity: int, *, order_id: UUID | None = None) -> None:
        """Put ``quantity`` sold units back on sale (a refunded order's goods came back)."""
        _require_quantity(quantity)
        if self.on_hand + quantity > MAX_ON_HAND:
            raise BusinessRuleViolation(
                f"Product {self.id} would hold more than {MAX_ON_HAND} units.",
                code="too-much-stock",
            )
        self.on_hand += quantity
        self._record(StockReturned, quantity, order_id)

    def _require_reserved(self, quantity: int) -> None:
        # Only units that were reserved can be released or sold; anything else is a bookkeeping
        # error that must not turn into negative counts.
        if quantity > self.reserved:
            raise BusinessRuleViolation(
                f"Product {self.id} has {self.reserved} units reserved, not {quantity}.",
                code="not-reserved",
            )

    def _record(
        self,
        event: type[StockReserved | StockReleased | StockCommitted | StockReturned],
        quantity: int,
        order_id: UUID | None,
    ) -> None:
        self.record(
            event,
            product_id=str(self.id),
            quantity=quantity,
            on_hand=self.on_hand,
            reserved=self.reserved,
            order_id=str(order_id) if order_id is not None else None,
        )


def _require_quantity(quantity: int) -> None:
    # bool is an int subclass; True as a quantity is always a mistake.
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 1 <= quantity <= MAX_ON_HAND
    ):
        raise InvalidInput(
            "The quantity must be a whole number from 1.",
            errors={"quantity": [f"A whole number from 1 to {MAX_ON_HAND}."]},
        )
