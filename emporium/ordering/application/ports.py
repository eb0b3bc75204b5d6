"""Ports of the ordering context."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from emporium.ordering.domain.order import Order
from emporium.shared_kernel.money import Money
from emporium.shared_kernel.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class Offer:
    """A sellable product's current name and price."""

    name: str
    price: Money


@dataclass(frozen=True)
class ShopTerms:
    """The shop's currency and tax rate (a percentage) for new orders."""

    currency: str
    tax_rate: Decimal


class Pricing(Protocol):
    """Current offers of published products: the only source of prices (never the client)."""

    def current_offers(self, product_ids: Iterable[UUID]) -> dict[UUID, Offer]:
        """Return the offer of each published product among ``product_ids``."""
        ...


class Inventory(Protocol):
    """Stock held for orders."""

    def reserve(self, order_id: UUID, items: Sequence[tuple[UUID, int]], until: datetime) -> None:
        """Hold the units, or raise Conflict naming the first product short."""
        ...

    def release(self, order_id: UUID) -> None:
        """Return an order's held units to sale."""
        ...

    def commit(self, order_id: UUID) -> None:
        """Sell an order's held units."""
        ...

    def restock(self, order_id: UUID, items: Sequence[tuple[UUID, int]]) -> None:
        """Put sold units back on sale (a refunded order's goods came back)."""
        ...


class OrderRepository(Protocol):
    """Orders of the current tenant."""

    def add(self, order: Order) -> None:
        """Store a new order with its lines and events."""
        ...

    def get_for_update(self, order_id: UUID) -> Order | None:
        """Return the order locked until the unit of work ends, or None."""
        ...

    def save(self, order: Order) -> None:
        """Store a changed order and its new events."""
        ...

    def expired_ids(self, now: datetime, limit: int) -> list[UUID]:
        """Return ids of confirmed orders whose reservation ended by ``now``."""
        ...


class OrderingUnitOfWork(UnitOfWork, Protocol):
    """A unit of work with the order repository."""

    @property
    def orders(self) -> OrderRepository:
        """Return the order repository."""
        ...
