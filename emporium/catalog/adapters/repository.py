"""Catalog repositories on the ORM, rows mapped explicitly to aggregates and back."""

from __future__ import annotations

from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from emporium.catalog import models as rows
from emporium.catalog.domain.category import Category
from emporium.catalog.domain.product import Product, ProductStatus
from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from emporium.multitenancy.context import current_tenant_slug
from emporium.shared_kernel.errors import BusinessRuleViolation
from emporium.shared_kernel.messagebus import MessageBus


def product_to_domain(row: rows.Product) -> Product:
    """Return the aggregate of a product row."""
    return Product(
        id=row.id,
        version=row.version,
        name=row.name,
        description=row.description,
        category_id=row.category_id,
        price=row.price,
        status=ProductStatus(row.status),
    )


def _product_fields(product: Product) -> dict[str, object]:
    return {
        "name": product.name,
        "description": product.description,
        "category_id": product.category_id,
        "currency": product.price.currency,
        "price": product.price,
        "status": product.status.value,
        "version": product.version,
    }


class DjangoProductRepository:
    """Implement ``ProductRepository`` on the tenant-scoped manager."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow

    def add(self, product: Product) -> None:
        try:
            with transaction.atomic(using=self.uow.using):  # a savepoint: the UoW goes on
                rows.Product.objects.using(self.uow.using).create(
                    id=product.id, **_product_fields(product)
                )
        except IntegrityError as exc:
            # Two concurrent creates: the constraint lets one win; the other is told plainly.
            raise BusinessRuleViolation(
                f"A product named {product.name!r} exists already.", code="name-taken"
            ) from exc
        self.uow.track(product)

    def get(self, product_id: UUID) -> Product | None:
        row = rows.Product.objects.using(self.uow.using).filter(pk=product_id).first()
        if row is None:
            return None
        product = product_to_domain(row)
        self.uow.track(product)
        return product

    def name_taken(self, name: str, *, other_than: UUID | None = None) -> bool:
        taken = rows.Product.objects.using(self.uow.using).filter(name__iexact=name)
        if other_than is not None:
            taken = taken.exclude(pk=other_than)
        return taken.exists()

    def save(self, product: Product) -> None:
        try:
            with transaction.atomic(using=self.uow.using):
                # update() skips auto_now: the change time is stamped here.
                rows.Product.objects.using(self.uow.using).filter(pk=product.id).update(
                    **_product_fields(product), updated_at=timezone.now()
                )
        except IntegrityError as exc:
            raise BusinessRuleViolation(
                f"A product named {product.name!r} exists already.", code="name-taken"
            ) from exc
        self.uow.track(product)

    def delete(self, product: Product) -> None:
        rows.Product.objects.using(self.uow.using).filter(pk=product.id).delete()
        self.uow.track(product)


def _category_name_taken(name: str) -> BusinessRuleViolation:
    return BusinessRuleViolation(
        f"A category named {name!r} exists there already.", code="name-taken"
    )


class DjangoCategoryRepository:
    """Implement ``CategoryRepository`` on the tenant-scoped manager."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow

    def add(self, category: Category) -> None:
        taken = rows.Category.objects.using(self.uow.using).filter(
            parent_id=category.parent_id, name=category.name
        )
        # Databases without nulls_distinct=False (SQLite) would let top-level names repeat.
        if taken.exists():
            raise _category_name_taken(category.name)
        try:
            with transaction.atomic(using=self.uow.using):
                rows.Category.objects.using(self.uow.using).create(
                    id=category.id,
                    name=category.name,
                    parent_id=category.parent_id,
                    version=category.version,
                )
        except IntegrityError as exc:
            raise _category_name_taken(category.name) from exc
        self.uow.track(category)

    def get(self, category_id: UUID) -> Category | None:
        row = rows.Category.objects.using(self.uow.using).filter(pk=category_id).first()
        if row is None:
            return None
        category = Category(id=row.id, version=row.version, name=row.name, parent_id=row.parent_id)
        self.uow.track(category)
        return category

    def depth(self, category_id: UUID) -> int:
        depth = 0
        current: UUID | None = category_id
        parents: dict[UUID, UUID | None] = dict(
            rows.Category.objects.using(self.uow.using).values_list("id", "parent_id")
        )
        while current is not None and depth <= len(parents):
            depth += 1
            current = parents.get(current)
        return depth


class DjangoCatalogUnitOfWork(DjangoUnitOfWork):
    """The unit of work of catalog use cases."""

    def __init__(self, bus: MessageBus, using: str = "default") -> None:
        super().__init__(bus, tenant=current_tenant_slug, using=using)
        self.products = DjangoProductRepository(self)
        self.categories = DjangoCategoryRepository(self)
