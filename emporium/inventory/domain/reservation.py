"""Reserving stock for an order: a reservation per order line, held until paid or let go."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from emporium.inventory.domain.stock import StockItem
from emporium.shared_kernel.errors import BusinessRuleViolation

# How long an unpaid order holds its stock unless settings say otherwise.
DEFAULT_HOLD = timedelta(minutes=15)


class ReservationStatus(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"  # cancelled or expired: the units went back to sale
    COMMITTED = "committed"  # paid: the units left the stock


@dataclass(frozen=True)
class Reservation:
    """Units of one product held for one order until ``expires_at``."""

    order_id: UUID
    product_id: UUID
    quantity: int
    expires_at: datetime
    status: ReservationStatus = ReservationStatus.ACTIVE

    def __post_init__(self) -> None:
        if isinstance(self.quantity, bool) or not isinstance(self.quantity, int):
            raise TypeError("A reservation's quantity must be an int.")
        if self.quantity < 1:
            raise ValueError("A reservation holds at least one unit.")
        if self.expires_at.utcoffset() is None:
            raise ValueError("expires_at must be timezone-aware.")

    @property
    def is_active(self) -> bool:
        """Return whether the units are still held."""
        return self.status is ReservationStatus.ACTIVE

    def is_expired(self, now: datetime) -> bool:
        """Return whether the reservation is still held but its time has run out."""
        return self.is_active and self.expires_at <= now

    def released(self) -> Reservation:
        """Return this reservation let go; refuse unless it is active."""
        return self._end(ReservationStatus.RELEASED)

    def committed(self) -> Reservation:
        """Return this reservation sold; refuse unless it is active."""
        return self._end(ReservationStatus.COMMITTED)

    def _end(self, status: ReservationStatus) -> Reservation:
        # Each reservation ends once: a second release or a commit after a release would
        # move stock that this reservation no longer holds.
        if not self.is_active:
            raise BusinessRuleViolation(
                f"The reservation of product {self.product_id} for order {self.order_id} "
                f"is already {self.status}.",
                code="reservation-not-active",
            )
        return replace(self, status=status)


def reserve(item: StockItem, order_id: UUID, quantity: int, expires_at: datetime) -> Reservation:
    """Hold ``quantity`` units of ``item`` for the order; Conflict when too few are available."""
    reservation = Reservation(
        order_id=order_id, product_id=item.id, quantity=quantity, expires_at=expires_at
    )
    item.reserve(quantity, order_id=order_id)
    return reservation


def release(item: StockItem, reservation: Reservation) -> Reservation:
    """Return the reservation's units to sale; refused if it has already ended."""
    _require_same_product(item, reservation)
    # The transition first: a refused one leaves the stock untouched.
    ended = reservation.released()
    item.release(reservation.quantity, order_id=reservation.order_id)
    return ended


def commit(item: StockItem, reservation: Reservation) -> Reservation:
    """Sell the reservation's units (the order is paid); refused if it has already ended."""
    _require_same_product(item, reservation)
    # An active reservation past expires_at still holds its units until the sweeper releases
    # it, so a payment that gets there first may still commit it.
    ended = reservation.committed()
    item.commit(reservation.quantity, order_id=reservation.order_id)
    return ended


def expire(item: StockItem, reservation: Reservation, now: datetime) -> Reservation:
    """Release the reservation if its time has run out by ``now``; else return it unchanged."""
    if not reservation.is_expired(now):
        return reservation
    return release(item, reservation)


def lock_order(product_ids: Iterable[UUID]) -> list[UUID]:
    """Return the distinct product ids in the one order in which stock rows must be locked.

    Two orders that lock the same rows in different orders can deadlock: A holds x and waits
    for y while B holds y and waits for x. When every transaction locks in ascending id order,
    the one holding the highest lock never waits for a lower one, so no cycle of waits can form.
    Python orders UUIDs by their 128-bit value, which is PostgreSQL's order for ``uuid`` too,
    so ``ORDER BY product_id ... FOR UPDATE`` and one-by-one locking in this order agree.
    Duplicates are dropped: a row needs locking once.
    """
    return sorted(set(product_ids))


def _require_same_product(item: StockItem, reservation: Reservation) -> None:
    if reservation.product_id != item.id:
        raise ValueError(f"The reservation is for product {reservation.product_id}, not {item.id}.")
