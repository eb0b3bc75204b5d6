"""What other contexts may use of inventory: holding stock for orders."""

from emporium.inventory.bootstrap import (
    commit_for_order,
    release_for_order,
    reserve_for_order,
)

__all__ = ["commit_for_order", "release_for_order", "reserve_for_order"]
