"""Wire catalog use cases to their adapters."""

from __future__ import annotations

from emporium.catalog.adapters.repository import DjangoCatalogUnitOfWork
from emporium.infrastructure.bus import message_bus


def unit_of_work() -> DjangoCatalogUnitOfWork:
    """Return a unit of work for one catalog use case on the app's connection."""
    return DjangoCatalogUnitOfWork(message_bus())
