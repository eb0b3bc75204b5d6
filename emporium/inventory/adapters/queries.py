"""Reads of the inventory context."""

from __future__ import annotations

from collections.abc import Collection
from uuid import UUID

from django.db.models import F

from emporium.inventory import models as rows


def stock_levels(product_id: UUID) -> dict[str, int]:
    """Return ``{"on_hand", "reserved", "available"}`` of a product (zeros if never counted)."""
    row = rows.StockItem.objects.filter(product_id=product_id).values("on_hand", "reserved").first()
    on_hand, reserved = (row["on_hand"], row["reserved"]) if row else (0, 0)
    return stock_document(on_hand, reserved)


def stock_document(on_hand: int, reserved: int) -> dict[str, int]:
    """Return stock as the API shows it: ``{"on_hand", "reserved", "available"}``."""
    return {"on_hand": on_hand, "reserved": reserved, "available": on_hand - reserved}


def out_of_stock(product_ids: Collection[UUID]) -> int:
    """Return how many of ``product_ids`` have nothing available (or were never counted)."""
    if not product_ids:
        return 0
    in_stock = rows.StockItem.objects.filter(
        product_id__in=list(product_ids), on_hand__gt=F("reserved")
    ).count()
    return len(set(product_ids)) - in_stock
