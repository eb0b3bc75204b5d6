"""What other contexts may use of the catalog: current offers, product facts, its events."""

from emporium.catalog.adapters.offers import Offer, current_offers, product_exists, product_status
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
    "product_exists",
    "product_status",
]
