"""Catalog use cases with in-memory repositories and the fake unit of work: no database."""

from __future__ import annotations

import uuid
from uuid import UUID

import pytest

from emporium.catalog.application.use_cases import (
    ArchiveProduct,
    ChangeProduct,
    CreateCategory,
    CreateProduct,
    DeleteProduct,
    PublishProduct,
    archive_product,
    change_product,
    create_category,
    create_product,
    delete_product,
    publish_product,
)
from emporium.catalog.domain.category import Category
from emporium.catalog.domain.events import ProductPriceChanged
from emporium.catalog.domain.product import Product, ProductStatus
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput, NotFound
from emporium.shared_kernel.messagebus import MessageBus
from emporium.shared_kernel.money import Money
from tests.fakes.unit_of_work import FakeUnitOfWork

USD = "USD"


class InMemoryProducts:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.rows: dict[UUID, Product] = {}

    def add(self, product: Product) -> None:
        if self.name_taken(product.name):
            raise BusinessRuleViolation("taken", code="name-taken")
        self.rows[product.id] = product
        self.uow.track(product)

    def get(self, product_id: UUID) -> Product | None:
        product = self.rows.get(product_id)
        if product is not None:
            self.uow.track(product)
        return product

    def name_taken(self, name: str, *, other_than: UUID | None = None) -> bool:
        return any(
            p.name.lower() == name.lower() and p.id != other_than for p in self.rows.values()
        )

    def save(self, product: Product) -> None:
        self.rows[product.id] = product
        self.uow.track(product)

    def delete(self, product: Product) -> None:
        del self.rows[product.id]
        self.uow.track(product)


class InMemoryCategories:
    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.rows: dict[UUID, Category] = {}

    def add(self, category: Category) -> None:
        self.rows[category.id] = category
        self.uow.track(category)

    def get(self, category_id: UUID) -> Category | None:
        return self.rows.get(category_id)

    def depth(self, category_id: UUID) -> int:
        depth, current = 0, self.rows.get(category_id)
        while current is not None:
            depth += 1
            current = self.rows.get(current.parent_id) if current.parent_id else None
        return depth


class FakeCatalogUnitOfWork(FakeUnitOfWork):
    def __init__(self, bus: MessageBus | None = None) -> None:
        super().__init__(bus, tenant="acme")
        self.products = InMemoryProducts(self)
        self.categories = InMemoryCategories(self)


def usd(amount: str) -> Money:
    return Money.of(amount, USD)


def create(uow: FakeCatalogUnitOfWork, name: str = "Mug", **fields: object) -> Product:
    values: dict[str, object] = {
        "name": name,
        "description": "Holds tea.",
        "category_id": None,
        "price": usd("9.50"),
        "currency": USD,
        **fields,
    }
    return create_product(CreateProduct(**values), uow)  # type: ignore[arg-type]


def types(uow: FakeCatalogUnitOfWork) -> list[str]:
    return [envelope.type for envelope in uow.outbox]


def test_create_product_stores_a_draft_and_publishes_product_created() -> None:
    uow = FakeCatalogUnitOfWork()

    product = create(uow, " Mug ")

    assert uow.products.rows == {product.id: product}
    assert (product.name, product.status, product.price) == (
        "Mug",
        ProductStatus.DRAFT,
        usd("9.50"),
    )
    assert [(e.type, e.tenant, e.aggregate_id, e.payload) for e in uow.outbox] == [
        (
            "catalog.product_created",
            "acme",
            str(product.id),
            {"name": "Mug", "price": {"amount": "9.50", "currency": "USD"}, "category_id": None},
        )
    ]


def test_a_taken_name_is_refused_and_nothing_is_published() -> None:
    uow = FakeCatalogUnitOfWork()
    create(uow, "Mug")

    with pytest.raises(BusinessRuleViolation) as refused:
        create(uow, " Mug ")

    assert refused.value.code == "name-taken"
    assert refused.value.detail == "A product named 'Mug' exists already."
    assert len(uow.products.rows) == 1
    assert types(uow) == ["catalog.product_created"]


def test_an_unknown_category_is_a_field_error_before_the_name_is_checked() -> None:
    uow = FakeCatalogUnitOfWork()
    create(uow, "Mug")

    with pytest.raises(InvalidInput) as refused:
        create(uow, "Mug", category_id=uuid.uuid4())

    assert refused.value.errors == {"category_id": ["No such category."]}


def test_a_product_in_a_known_category() -> None:
    uow = FakeCatalogUnitOfWork()
    kitchen = create_category(CreateCategory("Kitchen"), uow)

    product = create(uow, category_id=kitchen.id)

    assert product.category_id == kitchen.id


def test_a_price_in_another_currency_is_a_field_error() -> None:
    with pytest.raises(InvalidInput) as refused:
        create(FakeCatalogUnitOfWork(), price=Money.of("9.50", "EUR"))

    assert refused.value.errors == {"price": ["Use the shop's currency, USD."]}


def test_change_product_records_what_changed_and_the_price_change() -> None:
    uow = FakeCatalogUnitOfWork()
    handled: list[ProductPriceChanged] = []
    uow.bus.register(ProductPriceChanged, handled.append)
    product = create(uow)

    change_product(
        ChangeProduct(product.id, USD, name="Big Mug", price=usd("12.00")),
        uow,
    )

    assert (product.name, product.price) == ("Big Mug", usd("12.00"))
    assert types(uow)[1:] == ["catalog.product_changed", "catalog.product_price_changed"]
    assert uow.outbox[1].payload == {"changed": ["name"]}
    assert [(e.old_price, e.new_price) for e in handled] == [(usd("9.50"), usd("12.00"))]


def test_changing_to_another_products_name_is_refused() -> None:
    uow = FakeCatalogUnitOfWork()
    create(uow, "Mug")
    cup = create(uow, "Cup")

    with pytest.raises(BusinessRuleViolation):
        change_product(ChangeProduct(cup.id, USD, name="Mug"), uow)
    change_product(ChangeProduct(cup.id, USD, name="Cup", description="Same name."), uow)

    assert (cup.name, cup.description) == ("Cup", "Same name.")


def test_an_unknown_product_is_not_found() -> None:
    uow = FakeCatalogUnitOfWork()
    missing = uuid.uuid4()

    for run in (
        lambda: change_product(ChangeProduct(missing, USD, name="X"), uow),
        lambda: publish_product(PublishProduct(missing), uow),
        lambda: archive_product(ArchiveProduct(missing), uow),
        lambda: delete_product(DeleteProduct(missing), uow),
    ):
        with pytest.raises(NotFound):
            run()


def test_publish_then_archive() -> None:
    uow = FakeCatalogUnitOfWork()
    product = create(uow)

    publish_product(PublishProduct(product.id), uow)
    archive_product(ArchiveProduct(product.id), uow)

    assert product.status is ProductStatus.ARCHIVED
    assert types(uow) == [
        "catalog.product_created",
        "catalog.product_published",
        "catalog.product_archived",
    ]


def test_publish_refused_publishes_nothing() -> None:
    uow = FakeCatalogUnitOfWork()
    product = create(uow, description="")

    with pytest.raises(BusinessRuleViolation) as refused:
        publish_product(PublishProduct(product.id), uow)

    assert refused.value.code == "not-publishable"
    assert types(uow) == ["catalog.product_created"]


def test_only_a_draft_is_deleted() -> None:
    uow = FakeCatalogUnitOfWork()
    draft, sold = create(uow, "Draft"), create(uow, "Sold")
    publish_product(PublishProduct(sold.id), uow)

    delete_product(DeleteProduct(draft.id), uow)
    with pytest.raises(BusinessRuleViolation) as refused:
        delete_product(DeleteProduct(sold.id), uow)

    assert refused.value.code == "not-a-draft"
    assert list(uow.products.rows) == [sold.id]
    assert types(uow)[-1] == "catalog.product_deleted"


def test_categories_nest_under_known_parents_five_deep() -> None:
    uow = FakeCatalogUnitOfWork()
    parent: UUID | None = None
    for level in range(1, 6):
        parent = create_category(CreateCategory(f"Level {level}", parent), uow).id

    with pytest.raises(InvalidInput) as too_deep:
        create_category(CreateCategory("Level 6", parent), uow)
    with pytest.raises(InvalidInput) as unknown:
        create_category(CreateCategory("Orphan", uuid.uuid4()), uow)

    assert too_deep.value.errors == {"parent_id": ["At most 5 levels."]}
    assert unknown.value.errors == {"parent_id": ["No such category."]}
    assert len(uow.categories.rows) == 5
    assert types(uow) == ["catalog.category_created"] * 5
    assert uow.outbox[1].payload == {
        "name": "Level 2",
        "parent_id": str(uow.outbox[0].aggregate_id),
    }


def test_a_name_that_differs_only_in_case_is_taken() -> None:
    uow = FakeCatalogUnitOfWork()
    create(uow, "Mug")

    with pytest.raises(BusinessRuleViolation) as refused:
        create(uow, "MUG")

    assert refused.value.code == "name-taken"
    assert refused.value.detail == "A product named 'MUG' exists already."
    assert len(uow.products.rows) == 1
