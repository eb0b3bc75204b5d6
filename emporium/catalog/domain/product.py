"""The Product aggregate: what a shop sells, its price and its life from draft to archived."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, StrEnum
from uuid import UUID, uuid4

from emporium.catalog.domain.events import (
    ProductArchived,
    ProductChanged,
    ProductCreated,
    ProductDeleted,
    ProductPriceChanged,
    ProductPublished,
)
from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput
from emporium.shared_kernel.money import Money

NAME_MAX = 200
DESCRIPTION_MAX = 5000
#: The largest price in minor units: a full order of such lines, taxed, still fits a bigint.
PRICE_MAX_MINOR = 10**9


class Unchanged(Enum):
    """Marks an optional change that was not asked for (``None`` is a real value)."""

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


class ProductStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(
            "A product needs a name.", errors={"name": [f"1 to {NAME_MAX} characters."]}
        )
    return name


def _check_price(price: Money, currency: str) -> None:
    if price.currency != currency:
        raise InvalidInput(
            f"Prices are in {currency}.",
            errors={"price": [f"Use the shop's currency, {currency}."]},
        )
    if price.is_negative:
        raise InvalidInput("A price cannot be negative.", errors={"price": ["Must be 0 or more."]})
    if price.minor > PRICE_MAX_MINOR:
        most = Money(PRICE_MAX_MINOR, currency).to_dict()["amount"]
        raise InvalidInput("The price is too large.", errors={"price": [f"At most {most}."]})


@dataclass(kw_only=True, eq=False)
class Product(Aggregate[UUID]):
    """A product of one shop. Only published products are listed and sold."""

    id: UUID = field(default_factory=uuid4)
    name: str
    description: str = ""
    category_id: UUID | None = None
    price: Money
    status: ProductStatus = ProductStatus.DRAFT

    @classmethod
    def create(
        cls,
        *,
        name: str,
        description: str,
        category_id: UUID | None,
        price: Money,
        currency: str,
    ) -> Product:
        """Return a new draft (a draft may lack a description) that has recorded ProductCreated."""
        _check_price(price, currency)
        product = cls(
            name=_clean_name(name),
            description=description.strip()[:DESCRIPTION_MAX],
            category_id=category_id,
            price=price,
        )
        product.record(
            ProductCreated,
            name=product.name,
            price=price,
            category_id=str(category_id) if category_id else None,
        )
        return product

    def _require_not_archived(self) -> None:
        if self.status is ProductStatus.ARCHIVED:
            raise BusinessRuleViolation(
                "An archived product cannot change.", code="product-archived"
            )

    def change_details(
        self,
        *,
        name: str | None = None,
        description: str | None = None,
        category_id: UUID | Unchanged | None = UNCHANGED,
    ) -> None:
        """Change name, description or category; a published product keeps a description."""
        self._require_not_archived()
        changed: list[str] = []
        if name is not None and _clean_name(name) != self.name:
            self.name = _clean_name(name)
            changed.append("name")
        if description is not None and description.strip() != self.description:
            if self.status is ProductStatus.PUBLISHED and not description.strip():
                raise BusinessRuleViolation(
                    "A published product needs a description.", code="description-required"
                )
            self.description = description.strip()[:DESCRIPTION_MAX]
            changed.append("description")
        if not isinstance(category_id, Unchanged) and category_id != self.category_id:
            self.category_id = category_id
            changed.append("category_id")
        if changed:
            self.record(ProductChanged, changed=changed)

    def change_price(self, price: Money, currency: str) -> None:
        """Set a new price; a published product keeps a positive price."""
        self._require_not_archived()
        _check_price(price, currency)
        if price == self.price:
            return
        if self.status is ProductStatus.PUBLISHED and not price.is_positive:
            raise BusinessRuleViolation(
                "A published product needs a positive price.", code="price-required"
            )
        old, self.price = self.price, price
        self.record(ProductPriceChanged, old_price=old, new_price=price)

    def publish(self) -> None:
        """Offer the product: needs a name, a description and a positive price."""
        if self.status is not ProductStatus.DRAFT:
            raise BusinessRuleViolation(
                f"Only a draft can be published; this product is {self.status.value}.",
                code="not-a-draft",
            )
        missing = [
            what
            for what, ok in (
                ("name", bool(self.name)),
                ("description", bool(self.description)),
                ("a positive price", self.price.is_positive),
            )
            if not ok
        ]
        if missing:
            raise BusinessRuleViolation(
                f"Publishing needs {', '.join(missing)}.", code="not-publishable"
            )
        self.status = ProductStatus.PUBLISHED
        self.record(ProductPublished, name=self.name, price=self.price)

    def archive(self) -> None:
        """Withdraw the product for good: neither listed nor sold."""
        self._require_not_archived()
        self.status = ProductStatus.ARCHIVED
        self.record(ProductArchived)

    def delete(self) -> None:
        """Record the deletion; only a draft may be deleted."""
        if self.status is not ProductStatus.DRAFT:
            raise BusinessRuleViolation(
                f"Only a draft can be deleted; this product is {self.status.value}.",
                code="not-a-draft",
            )
        self.record(ProductDeleted)
