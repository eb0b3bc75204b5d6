"""Track an order's shipment: the live status the fulfilment service holds."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from emporium.fulfilment.application.errors import ShipmentNotFound
from emporium.fulfilment.application.ports import OrderDirectory, ShipmentTracker
from emporium.fulfilment.domain.tracking import Tracking
from emporium.shared_kernel.errors import NotFound


@dataclass(frozen=True)
class TrackShipment:
    """Ask for the shipment of ``order_id`` of shop ``tenant`` (its slug).

    ``customer`` is the customer asking, who sees only their own orders; None is the shop's
    staff, who see every order.
    """

    tenant: str
    order_id: UUID
    customer: UUID | None


def track_shipment(
    cmd: TrackShipment, orders: OrderDirectory, tracker: ShipmentTracker
) -> Tracking:
    """Return the order's shipment; raise ``NotFound`` for an order the caller may not see."""
    owner = orders.customer_of(cmd.order_id)
    # Another customer's order is as absent as an unknown one: its existence is not told.
    if owner is None or (cmd.customer is not None and owner != cmd.customer):
        raise NotFound("No such order.")
    # An order never sent (no address, not paid yet) has no shipment, whether or not the
    # service is up: no call, and no 503 for digital goods.
    if not orders.shipment_requested(cmd.order_id):
        raise ShipmentNotFound("This order has no shipment.")
    tracking = tracker.shipment(cmd.tenant, cmd.order_id)
    if tracking is None:
        raise ShipmentNotFound("The fulfilment service has no shipment for this order yet.")
    return tracking
