"""Events of the catalog context."""

from __future__ import annotations

from dataclasses import dataclass

from emporium.shared_kernel.events import DomainEvent
from emporium.shared_kernel.money import Money


@dataclass(frozen=True, kw_only=True)
class ProductCreated(DomainEvent):
    context = "catalog"

    name: str
    price: Money
    category_id: str | None


@dataclass(frozen=True, kw_only=True)
class ProductChanged(DomainEvent):
    """Name, description or category changed (the price has its own event)."""

    context = "catalog"

    changed: list[str]


@dataclass(frozen=True, kw_only=True)
class ProductPriceChanged(DomainEvent):
    context = "catalog"

    old_price: Money
    new_price: Money


@dataclass(frozen=True, kw_only=True)
class ProductPublished(DomainEvent):
    context = "catalog"

    name: str
    price: Money


@dataclass(frozen=True, kw_only=True)
class ProductArchived(DomainEvent):
    context = "catalog"


@dataclass(frozen=True, kw_only=True)
class ProductDeleted(DomainEvent):
    context = "catalog"


@dataclass(frozen=True, kw_only=True)
class CategoryCreated(DomainEvent):
    context = "catalog"

    name: str
    parent_id: str | None
