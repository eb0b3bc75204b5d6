"""Use case: record a refund of an order's payment on the order (payments calls it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from emporium.ordering.application.ports import Inventory, OrderingUnitOfWork
from emporium.ordering.domain.order import Order
from emporium.shared_kernel.errors import NotFound
from emporium.shared_kernel.money import Money


@dataclass(frozen=True)
class RecordRefund:
    order_id: UUID
    payment_id: UUID
    refund_id: UUID
    amount: Money
    refunded_total: Money  # every refund of the payment so far, this one included
    at: datetime
    restock: bool = False


def record_refund(cmd: RecordRefund, uow: OrderingUnitOfWork, inventory: Inventory) -> Order:
    """Record the refund; the refund that completes the total makes the order ``refunded``.

    With ``restock`` the order's units go back on sale in the same transaction.
    """
    with uow:
        order = uow.orders.get_for_update(cmd.order_id)
        if order is None:
            raise NotFound("No such order.")
        order.record_refund(
            payment_id=cmd.payment_id,
            refund_id=cmd.refund_id,
            amount=cmd.amount,
            refunded_total=cmd.refunded_total,
            at=cmd.at,
            restock=cmd.restock,
        )
        if cmd.restock:
            inventory.restock(order.id, [(line.product_id, line.quantity) for line in order.lines])
        uow.orders.save(order)
        uow.commit()
    return order
