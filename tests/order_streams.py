"""Test helpers that change an order's stored life the way only time could."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from emporium.ordering.models import Order, OrderEvent
from emporium.shared_kernel.events import rfc3339


def backdate_reservation(order_id: UUID | str, until: datetime) -> None:
    """Move the end of an order's stock hold in its stream and in its snapshot row.

    Call it inside the order's tenant and a transaction. The stream is the order's truth, so a
    test that changed only the row would be testing an order that never existed.
    """
    Order.objects.filter(pk=order_id).update(reserved_until=until)
    placed = OrderEvent.objects.get(order_id=order_id, version=1)
    placed.payload = {**placed.payload, "reserved_until": rfc3339(until)}
    placed.save(update_fields=["payload"])
