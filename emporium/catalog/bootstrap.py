"""Wire catalog use cases to their adapters; views, the admin and the demo seed call these."""

from __future__ import annotations

from emporium.catalog.adapters.repository import DjangoCatalogUnitOfWork
from emporium.catalog.application import use_cases
from emporium.catalog.domain.category import Category
from emporium.catalog.domain.product import Product
from emporium.infrastructure.bus import message_bus


def _unit_of_work() -> DjangoCatalogUnitOfWork:
    return DjangoCatalogUnitOfWork(message_bus())


def create_category(cmd: use_cases.CreateCategory) -> Category:
    """Add a category of the current tenant."""
    return use_cases.create_category(cmd, _unit_of_work())


def create_product(cmd: use_cases.CreateProduct) -> Product:
    """Add a draft product of the current tenant."""
    return use_cases.create_product(cmd, _unit_of_work())


def change_product(cmd: use_cases.ChangeProduct) -> Product:
    """Change a product's details and price."""
    return use_cases.change_product(cmd, _unit_of_work())


def publish_product(cmd: use_cases.PublishProduct) -> Product:
    """Offer a draft to customers."""
    return use_cases.publish_product(cmd, _unit_of_work())


def archive_product(cmd: use_cases.ArchiveProduct) -> Product:
    """Withdraw a product for good."""
    return use_cases.archive_product(cmd, _unit_of_work())


def delete_product(cmd: use_cases.DeleteProduct) -> None:
    """Delete a draft."""
    use_cases.delete_product(cmd, _unit_of_work())
