"""The one writer of stock counts: locked rows updated in bulk, one ledger line per change."""

from __future__ import annotations

from collections.abc import Iterable

from emporium.inventory import models as rows
from emporium.inventory.domain.stock import StockItem

REFERENCE_MAX = 200


def write_stock(
    using: str, changes: Iterable[tuple[rows.StockItem, StockItem]], *, kind: str, reference: str
) -> None:
    """Store each aggregate's counts on its locked row, with a ledger line of the deltas.

    Every pair gets its line, changed or not (a recount that confirms the stock is recorded);
    afterwards each row holds the aggregate's counts, so the next change's deltas start there.
    """
    changed, ledger = [], []
    for row, item in changes:
        ledger.append(
            rows.StockMovement(
                product_id=item.id,
                kind=kind,
                on_hand_delta=item.on_hand - row.on_hand,
                reserved_delta=item.reserved - row.reserved,
                on_hand_after=item.on_hand,
                reserved_after=item.reserved,
                reference=reference[:REFERENCE_MAX],
            )
        )
        row.on_hand, row.reserved, row.version = item.on_hand, item.reserved, item.version
        changed.append(row)
    rows.StockItem.objects.db_manager(using).bulk_update(
        changed, ["on_hand", "reserved", "version"]
    )
    rows.StockMovement.objects.db_manager(using).bulk_create(ledger)
