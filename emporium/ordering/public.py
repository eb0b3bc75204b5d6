"""What other contexts may use of ordering: recording a payment, and the events it publishes."""

from emporium.ordering.bootstrap import mark_order_paid
from emporium.ordering.domain.events import (
    FulfilmentRequested,
    OrderCancelled,
    OrderFulfilled,
    OrderPaid,
    OrderPlaced,
)

__all__ = [
    "FulfilmentRequested",
    "OrderCancelled",
    "OrderFulfilled",
    "OrderPaid",
    "OrderPlaced",
    "mark_order_paid",
]
