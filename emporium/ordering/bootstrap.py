"""Wire ordering use cases to their adapters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from functools import partial
from typing import TypeVar
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from emporium.catalog.public import current_offers
from emporium.infrastructure.bus import message_bus
from emporium.inventory import public as inventory
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering.adapters import verification
from emporium.ordering.adapters.repository import DjangoOrderingUnitOfWork
from emporium.ordering.application import use_cases
from emporium.ordering.application.ports import Offer, ShopTerms
from emporium.ordering.application.record_refund import RecordRefund
from emporium.ordering.application.record_refund import check_refund as check_refund_use_case
from emporium.ordering.application.record_refund import record_refund as record_refund_use_case
from emporium.ordering.domain.order import Order
from emporium.shared_kernel.errors import ConcurrentUpdate
from emporium.tenancy.public import active_tenants, shop_terms

T = TypeVar("T")


def _retried_once(change: Callable[[], T]) -> T:
    """Run a change of an existing order; run it again once if another writer won the race.

    A second loss is the client's 409 ``concurrent-update`` (PHASE2: one retry per request).
    """
    try:
        return change()
    except ConcurrentUpdate:
        return change()


class CatalogOffers:
    """Ordering's view of the catalog's prices."""

    def current_offers(self, product_ids: Iterable[UUID]) -> dict[UUID, Offer]:
        offers = current_offers(product_ids)
        return {pid: Offer(offer.name, offer.price) for pid, offer in offers.items()}


class StockForOrders:
    """Ordering's view of inventory."""

    def reserve(self, order_id: UUID, items: Sequence[tuple[UUID, int]], until: datetime) -> None:
        inventory.reserve_for_order(order_id, items, until)

    def release(self, order_id: UUID) -> None:
        inventory.release_for_order(order_id)

    def commit(self, order_id: UUID) -> None:
        inventory.commit_for_order(order_id)

    def restock(self, order_id: UUID, items: Sequence[tuple[UUID, int]]) -> None:
        inventory.return_for_order(order_id, items)


def _unit_of_work() -> DjangoOrderingUnitOfWork:
    return DjangoOrderingUnitOfWork(message_bus())


def place_order(cmd: use_cases.PlaceOrder) -> Order:
    """Place an order of the current tenant for ``cmd.customer_id``."""
    return use_cases.place_order(
        cmd,
        _unit_of_work(),
        CatalogOffers(),
        StockForOrders(),
        lambda: ShopTerms(*shop_terms()),
        timezone.now,
        settings.EMPORIUM_RESERVATION_HOLD,
    )


def cancel_order(cmd: use_cases.CancelOrder) -> Order:
    """Cancel a confirmed order."""
    return _retried_once(lambda: use_cases.cancel_order(cmd, _unit_of_work(), StockForOrders()))


def fulfil_order(cmd: use_cases.FulfilOrder) -> Order:
    """Mark a paid order fulfilled."""
    return _retried_once(lambda: use_cases.fulfil_order(cmd, _unit_of_work()))


def record_shipment(cmd: use_cases.RecordShipment) -> bool:
    """Mark an order shipped by the fulfilment service; False if it changed nothing."""
    return _retried_once(lambda: use_cases.record_shipment(cmd, _unit_of_work()))


def expire_order(cmd: use_cases.ExpireOrder) -> bool:
    """Cancel the order if its reservation ended unpaid; return whether it did."""
    return _retried_once(
        lambda: use_cases.expire_order(cmd, _unit_of_work(), StockForOrders(), timezone.now())
    )


def _expire_due_orders(limit: int = 500) -> int:
    """Cancel this tenant's unpaid orders whose reservation ended; return how many."""
    now = timezone.now()
    uow = _unit_of_work()
    with uow:
        due = uow.orders.expired_ids(now, limit)

    def expire(order_id: UUID) -> bool:
        return use_cases.expire_order(
            use_cases.ExpireOrder(order_id), _unit_of_work(), StockForOrders(), now
        )

    return sum(_retried_once(partial(expire, order_id)) for order_id in due)


def release_expired_reservations(
    on_tenant: Callable[[TenantRef, int], None] = lambda tenant, n: None,
) -> int:
    """Expire due orders of every active tenant; return how many were cancelled."""
    total = 0
    for tenant in active_tenants():
        # Each order is its own transaction inside the tenant (see expire_order).
        with tenant_context(tenant):
            cancelled = _expire_due_orders()
        on_tenant(tenant, cancelled)
        total += cancelled
    return total


def mark_order_paid(cmd: use_cases.MarkOrderPaid) -> Order:
    """Record a captured payment of a confirmed order (the payments context calls this)."""
    return _retried_once(
        lambda: use_cases.mark_order_paid(cmd, _unit_of_work(), StockForOrders(), timezone.now())
    )


def record_refund(cmd: RecordRefund) -> Order:
    """Record a refund of an order's payment (the payments context calls this)."""
    return _retried_once(lambda: record_refund_use_case(cmd, _unit_of_work(), StockForOrders()))


def verify_orders(
    tenant: TenantRef, progress: verification.Progress | None = None
) -> verification.Verification:
    """Compare each order of ``tenant`` folded from its stream with its snapshot row."""
    with tenant_context(tenant):
        return verification.verify_orders(progress=progress)


def check_refund(cmd: RecordRefund) -> None:
    """Raise what ``record_refund`` would, recording nothing (in the caller's transaction)."""
    # The unit of work is not entered: its repository reads, and locks, in the caller's
    # transaction, and a refusal leaves that transaction as it was.
    check_refund_use_case(cmd, _unit_of_work().orders)
