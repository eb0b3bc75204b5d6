"""Catalog use cases: categories and the product life cycle."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from emporium.catalog.application.ports import CatalogUnitOfWork
from emporium.catalog.domain.category import Category
from emporium.catalog.domain.product import UNCHANGED, Product, Unchanged
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput, NotFound
from emporium.shared_kernel.money import Money


@dataclass(frozen=True)
class CreateCategory:
    name: str
    parent_id: UUID | None = None


@dataclass(frozen=True)
class CreateProduct:
    name: str
    description: str
    category_id: UUID | None
    price: Money
    currency: str  # the shop's currency


@dataclass(frozen=True)
class ChangeProduct:
    product_id: UUID
    currency: str
    name: str | None = None
    description: str | None = None
    category_id: UUID | Unchanged | None = UNCHANGED
    price: Money | None = None


@dataclass(frozen=True)
class PublishProduct:
    product_id: UUID


@dataclass(frozen=True)
class ArchiveProduct:
    product_id: UUID


@dataclass(frozen=True)
class DeleteProduct:
    product_id: UUID


def _name_taken(name: str) -> BusinessRuleViolation:
    return BusinessRuleViolation(f"A product named {name!r} exists already.", code="name-taken")


def _require_category(uow: CatalogUnitOfWork, category_id: UUID | None) -> None:
    if category_id is not None and uow.categories.get(category_id) is None:
        raise InvalidInput("No such category.", errors={"category_id": ["No such category."]})


def _load(uow: CatalogUnitOfWork, product_id: UUID) -> Product:
    product = uow.products.get(product_id)
    if product is None:
        raise NotFound("No such product.")
    return product


def create_category(cmd: CreateCategory, uow: CatalogUnitOfWork) -> Category:
    """Add a category, at the top or under an existing one."""
    with uow:
        parent = uow.categories.get(cmd.parent_id) if cmd.parent_id else None
        if cmd.parent_id and parent is None:
            raise InvalidInput("No such category.", errors={"parent_id": ["No such category."]})
        depth = uow.categories.depth(parent.id) if parent else 0
        category = Category.create(cmd.name, parent, depth)
        uow.categories.add(category)
        uow.commit()
    return category


def create_product(cmd: CreateProduct, uow: CatalogUnitOfWork) -> Product:
    """Add a draft product; its name must be free in this shop."""
    product = Product.create(
        name=cmd.name,
        description=cmd.description,
        category_id=cmd.category_id,
        price=cmd.price,
        currency=cmd.currency,
    )
    with uow:
        _require_category(uow, cmd.category_id)
        if uow.products.name_taken(product.name):
            raise _name_taken(product.name)
        uow.products.add(product)
        uow.commit()
    return product


def change_product(cmd: ChangeProduct, uow: CatalogUnitOfWork) -> Product:
    """Change a product's details and price."""
    with uow:
        product = _load(uow, cmd.product_id)
        if not isinstance(cmd.category_id, Unchanged):
            _require_category(uow, cmd.category_id)
        if cmd.name is not None and uow.products.name_taken(
            cmd.name.strip(), other_than=product.id
        ):
            raise _name_taken(cmd.name.strip())
        product.change_details(
            name=cmd.name, description=cmd.description, category_id=cmd.category_id
        )
        if cmd.price is not None:
            product.change_price(cmd.price, cmd.currency)
        uow.products.save(product)
        uow.commit()
    return product


def publish_product(cmd: PublishProduct, uow: CatalogUnitOfWork) -> Product:
    """Offer a draft to customers."""
    with uow:
        product = _load(uow, cmd.product_id)
        product.publish()
        uow.products.save(product)
        uow.commit()
    return product


def archive_product(cmd: ArchiveProduct, uow: CatalogUnitOfWork) -> Product:
    """Withdraw a product for good."""
    with uow:
        product = _load(uow, cmd.product_id)
        product.archive()
        uow.products.save(product)
        uow.commit()
    return product


def delete_product(cmd: DeleteProduct, uow: CatalogUnitOfWork) -> None:
    """Delete a draft."""
    with uow:
        product = _load(uow, cmd.product_id)
        product.delete()
        uow.products.delete(product)
        uow.commit()
