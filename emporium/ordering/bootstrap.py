"""Wire ordering use cases to their adapters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from emporium.catalog.public import current_offers
from emporium.infrastructure.bus import message_bus
from emporium.inventory import public as inventory
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering.adapters.repository import DjangoOrderingUnitOfWork
from emporium.ordering.application import use_cases
from emporium.ordering.application.ports import Offer, ShopTerms
from emporium.ordering.domain.order import CancelReason, Order
from emporium.tenancy.public import active_tenants, shop_terms


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


def unit_of_work() -> DjangoOrderingUnitOfWork:
    """Return a unit of work on the application's connection."""
    return DjangoOrderingUnitOfWork(message_bus())


def place_order(customer_id: UUID, items: Sequence[tuple[UUID, int]]) -> Order:
    """Place an order of the current tenant for ``customer_id``."""
    return use_cases.place_order(
        use_cases.PlaceOrder(customer_id, items),
        unit_of_work(),
        CatalogOffers(),
        StockForOrders(),
        lambda: ShopTerms(*shop_terms()),
        timezone.now,
        settings.EMPORIUM_RESERVATION_HOLD,
    )


def cancel_order(order_id: UUID, reason: CancelReason) -> Order:
    """Cancel a confirmed order."""
    return use_cases.cancel_order(
        use_cases.CancelOrder(order_id, reason), unit_of_work(), StockForOrders()
    )


def fulfil_order(order_id: UUID) -> Order:
    """Mark a paid order fulfilled."""
    return use_cases.fulfil_order(use_cases.FulfilOrder(order_id), unit_of_work())


def expire_orders(limit: int = 500) -> int:
    """Cancel this tenant's unpaid orders whose reservation ended; return how many."""
    now = timezone.now()
    uow = unit_of_work()
    with uow:
        due = uow.orders.expired_ids(now, limit)
    return sum(
        use_cases.expire_order(order_id, unit_of_work(), StockForOrders(), now) for order_id in due
    )


def release_expired_reservations(
    on_tenant: Callable[[TenantRef, int], None] = lambda tenant, n: None,
) -> int:
    """Expire due orders of every active tenant; return how many were cancelled."""
    total = 0
    for tenant in active_tenants():
        # Each order is its own transaction inside the tenant (see expire_order).
        with tenant_context(tenant):
            cancelled = expire_orders()
        on_tenant(tenant, cancelled)
        total += cancelled
    return total


def mark_order_paid(order_id: UUID, payment_id: UUID) -> Order:
    """Record a captured payment of a confirmed order (the payments context calls this)."""
    return use_cases.mark_order_paid(
        order_id, payment_id, unit_of_work(), StockForOrders(), timezone.now()
    )
