"""A customer's data in ordering: orders with their events, exported; addresses, erased.

Erasure rewrites the stored events in place (ADR 0022): the address of
``ordering.order_placed`` v3 and ``ordering.fulfilment_requested`` v2 becomes the erased address
of the row, so a fold of the stream still equals the row and a replay still projects the same
figures. Nothing else of an event changes: ids, versions, positions, amounts, dates, country.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from emporium.ordering import models as rows
from emporium.ordering.adapters.queries import history, order_document, visible_orders
from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.domain.events import FulfilmentRequested, OrderPlaced

#: The stored events that carry the order's address.
ADDRESS_EVENTS = (OrderPlaced.type, FulfilmentRequested.type)


@dataclass(frozen=True)
class ErasedOrders:
    """What erasure changed in ordering: the orders, and the strings it took out of them."""

    order_ids: list[UUID]
    personal_values: set[str]


def customer_orders(customer_id: UUID) -> list[dict[str, Any]]:
    """Return the customer's orders, oldest first, each with its events."""
    orders = visible_orders(customer_id).order_by("created_at", "id")
    return [{**order_document(row), "events": history(row.id)} for row in orders]


def customer_order_ids(customer_id: UUID) -> list[UUID]:
    """Return the ids of the customer's orders."""
    return list(rows.Order.objects.filter(customer_id=customer_id).values_list("id", flat=True))


def erase_customer_addresses(customer_id: UUID) -> ErasedOrders:
    """Replace the customer's addresses (but the country) in order rows and stored events."""
    values: set[str] = set()
    order_ids = []
    for order in rows.Order.objects.select_for_update().filter(customer_id=customer_id):
        order_ids.append(order.id)
        if order.shipping_address:
            address = ShippingAddress.from_dict(order.shipping_address)
            values |= address.personal_values()
            order.shipping_address = address.erased().to_dict()
            # update(), not save(): the row's version and updated_at stay as the stream has them.
            rows.Order.objects.filter(pk=order.id).update(shipping_address=order.shipping_address)
    events = rows.OrderEvent.objects.filter(order_id__in=order_ids, type__in=ADDRESS_EVENTS)
    for event in events:
        stored = event.payload.get("shipping_address")
        if isinstance(stored, dict):
            address = ShippingAddress.from_dict(stored)
            values |= address.personal_values()
            payload = {**event.payload, "shipping_address": address.erased().to_dict()}
            rows.OrderEvent.objects.filter(pk=event.pk).update(payload=payload)
    return ErasedOrders(order_ids, values)
