"""What other contexts may use of ordering: recording a payment, its events, history, signals,
the orders of a period for exports."""

from datetime import datetime
from uuid import UUID

from emporium.ordering import bootstrap
from emporium.ordering.adapters.customer_data import (
    ErasedOrders,
    customer_order_ids,
    customer_orders,
    erase_customer_addresses,
)
from emporium.ordering.adapters.event_store import DjangoOrderEventStore
from emporium.ordering.adapters.export import OrderRecord, orders_created_between
from emporium.ordering.adapters.payable import OrderToPay, lock_order_to_pay
from emporium.ordering.adapters.queries import fulfilment_requested, has_orders, order_customer
from emporium.ordering.application.record_refund import RecordRefund
from emporium.ordering.application.use_cases import MarkOrderPaid, RecordShipment
from emporium.ordering.bootstrap import check_refund as check_order_refund
from emporium.ordering.bootstrap import record_refund as record_order_refund
from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.domain.events import (
    FulfilmentRequested,
    OrderCancelled,
    OrderFulfilled,
    OrderPaid,
    OrderPlaced,
    OrderRefunded,
)
from emporium.ordering.domain.order import Order
from emporium.ordering.signals import order_cancelled, order_fulfilled, order_paid, order_placed


def order_event_source() -> DjangoOrderEventStore:
    """Return the current tenant's order events by position, for projections to read."""
    return DjangoOrderEventStore()


def mark_order_paid(order_id: UUID, payment_id: UUID) -> Order:
    """Record a captured payment of a confirmed order of the current tenant."""
    return bootstrap.mark_order_paid(MarkOrderPaid(order_id, payment_id))


def record_shipment(
    order_id: UUID, carrier: str, tracking_number: str, shipped_at: datetime
) -> bool:
    """Mark the current tenant's order shipped by the fulfilment service; False if no change."""
    return bootstrap.record_shipment(RecordShipment(order_id, carrier, tracking_number, shipped_at))


__all__ = [
    "ErasedOrders",
    "FulfilmentRequested",
    "OrderCancelled",
    "OrderFulfilled",
    "OrderPaid",
    "OrderPlaced",
    "OrderRecord",
    "OrderRefunded",
    "OrderToPay",
    "RecordRefund",
    "ShippingAddress",
    "check_order_refund",
    "customer_order_ids",
    "customer_orders",
    "erase_customer_addresses",
    "fulfilment_requested",
    "has_orders",
    "lock_order_to_pay",
    "mark_order_paid",
    "order_cancelled",
    "order_customer",
    "order_event_source",
    "order_fulfilled",
    "order_paid",
    "order_placed",
    "orders_created_between",
    "record_order_refund",
    "record_shipment",
]
