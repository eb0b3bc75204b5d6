"""What other contexts may use of the catalog: current offers, product facts and names, its
events."""

from emporium.catalog.adapters.offers import (
    Offer,
    current_offers,
    has_products,
    product_exists,
    product_names,
    product_status,
    products_named,
    published_product_ids,
)
from emporium.catalog.domain.events import (
    ProductArchived,
    ProductCreated,
    ProductDeleted,
    ProductPriceChanged,
    ProductPublished,
)

__all__ = [
    "Offer",
    "ProductArchived",
    "ProductCreated",
    "ProductDeleted",
    "ProductPriceChanged",
    "ProductPublished",
    "current_offers",
    "has_products",
    "product_exists",
    "product_names",
    "product_status",
    "products_named",
    "published_product_ids",
]
