"""Product rules, without a database."""

from __future__ import annotations

import uuid

import pytest

from emporium.catalog.domain.product import Product, ProductStatus
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput
from emporium.shared_kernel.money import Money

USD = "USD"


def draft(description: str = "A sturdy mug.", price: str = "9.50") -> Product:
    product = Product.create(
        name=" Mug ",
        description=description,
        category_id=None,
        price=Money.of(price, USD),
        currency=USD,
    )
    product.pull_events()
    return product


def test_create_makes_a_draft_and_records_product_created() -> None:
    product = Product.create(
        name=" Mug ", description="", category_id=None, price=Money.of("9.50", USD), currency=USD
    )

    assert (product.name, product.status) == ("Mug", ProductStatus.DRAFT)
    [event] = product.pull_events()
    assert event.type == "catalog.product_created"
    assert event.payload() == {
        "name": "Mug",
        "price": {"amount": "9.50", "currency": "USD"},
        "category_id": None,
    }


def test_price_must_be_in_the_shops_currency_and_not_negative() -> None:
    with pytest.raises(InvalidInput):
        Product.create(
            name="Mug", description="", category_id=None, price=Money.of("1", "EUR"), currency=USD
        )
    with pytest.raises(InvalidInput):
        Product.create(
            name="Mug", description="", category_id=None, price=Money.of("-1", USD), currency=USD
        )


def test_price_is_at_most_the_largest_an_order_can_total() -> None:
    largest = Product.create(
        name="Mug", description="", category_id=None, price=Money.of("10000000", USD), currency=USD
    )
    with pytest.raises(InvalidInput) as refused:
        Product.create(
            name="Mug",
            description="",
            category_id=None,
            price=Money.of("99999999999999999999999999.99", USD),
            currency=USD,
        )
    with pytest.raises(InvalidInput):
        largest.change_price(Money.of("10000000.01", USD), USD)

    assert refused.value.errors == {"price": ["At most 10000000.00."]}


@pytest.mark.parametrize(("description", "price"), [("", "9.50"), ("Mug.", "0")])
def test_publish_needs_description_and_positive_price(description: str, price: str) -> None:
    product = draft(description=description, price=price)

    with pytest.raises(BusinessRuleViolation) as refused:
        product.publish()

    assert refused.value.code == "not-publishable"
    assert product.status is ProductStatus.DRAFT


def test_publish_then_archive() -> None:
    product = draft()

    product.publish()
    product.archive()

    assert product.status is ProductStatus.ARCHIVED
    assert [e.type for e in product.pull_events()] == [
        "catalog.product_published",
        "catalog.product_archived",
    ]


def test_only_a_draft_is_published_or_deleted() -> None:
    product = draft()
    product.publish()

    with pytest.raises(BusinessRuleViolation):
        product.publish()
    with pytest.raises(BusinessRuleViolation):
        product.delete()


def test_archived_product_cannot_change() -> None:
    product = draft()
    product.archive()

    with pytest.raises(BusinessRuleViolation):
        product.change_price(Money.of("1", USD), USD)
    with pytest.raises(BusinessRuleViolation):
        product.change_details(name="Cup")
    with pytest.raises(BusinessRuleViolation):
        product.archive()


def test_price_change_records_old_and_new_price_and_no_event_when_equal() -> None:
    product = draft()

    product.change_price(Money.of("9.50", USD), USD)
    product.change_price(Money.of("11.00", USD), USD)

    [event] = product.pull_events()
    assert event.payload() == {
        "old_price": {"amount": "9.50", "currency": "USD"},
        "new_price": {"amount": "11.00", "currency": "USD"},
    }
    assert event.aggregate_version == 2


def test_published_product_keeps_a_description_and_a_positive_price() -> None:
    product = draft()
    product.publish()

    with pytest.raises(BusinessRuleViolation):
        product.change_details(description="  ")
    with pytest.raises(BusinessRuleViolation):
        product.change_price(Money.zero(USD), USD)


def test_change_details_records_what_changed() -> None:
    product = draft()
    category = uuid.uuid4()

    product.change_details(name="Big mug", description="A sturdy mug.", category_id=category)

    [event] = product.pull_events()
    assert event.payload() == {"changed": ["name", "category_id"]}
    assert product.category_id == category
