"""What other contexts may use of the catalog: pricing, and the events it publishes."""

from emporium.catalog.application.ports import PricingService
from emporium.catalog.domain.events import (
    ProductArchived,
    ProductCreated,
    ProductDeleted,
    ProductPriceChanged,
    ProductPublished,
)
from emporium.catalog.lookup import product_exists, product_status
from emporium.catalog.pricing import CatalogPricing, Offer

__all__ = [
    "CatalogPricing",
    "Offer",
    "PricingService",
    "ProductArchived",
    "ProductCreated",
    "ProductDeleted",
    "ProductPriceChanged",
    "ProductPublished",
    "product_exists",
    "product_status",
]
