"""Use case: record a refund of an order's payment on the order (payments calls it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from emporium.ordering.application.ports import Inventory, OrderingUnitOfWork, OrderRepository
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


def _refunded(cmd: RecordRefund, orders: OrderRepository) -> Order:
    order = orders.get_for_update(cmd.order_id)
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
    return order


def check_refund(cmd: RecordRefund, orders: OrderRepository) -> None:
    """Raise what recording the refund would raise, and record nothing.

    Run in the caller's transaction, before the money moves: the order row stays locked, so
    ``record_refund`` afterwards meets the same order. Recording comes last because appending
    the order's events holds the tenant's stream head until commit (ADR 0016), which must not
    wait for a provider.
    """
    _refunded(cmd, orders)


def record_refund(cmd: RecordRefund, uow: OrderingUnitOfWork, inventory: Inventory) -> Order:
    """Record the refund; the refund that completes the total makes the order ``refunded``.

    With ``restock`` the order's units go back on sale in the same transaction.
    """
    with uow:
        order = _refunded(cmd, uow.orders)
        if cmd.restock:
            inventory.restock(order.id, [(line.product_id, line.quantity) for line in order.lines])
        uow.orders.save(order)
        uow.commit()
    return order
