"""Ordering use cases: place, cancel, fulfil and expire orders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from emporium.ordering.application.ports import Inventory, OrderingUnitOfWork, Pricing, ShopTerms
from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.domain.order import CancelReason, Order
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput, NotFound


@dataclass(frozen=True)
class PlaceOrder:
    customer_id: UUID
    items: Sequence[tuple[UUID, int]]  # (product id, quantity)
    shipping_address: ShippingAddress | None = None


@dataclass(frozen=True)
class CancelOrder:
    order_id: UUID
    reason: CancelReason


@dataclass(frozen=True)
class FulfilOrder:
    order_id: UUID


@dataclass(frozen=True)
class RecordShipment:
    """The fulfilment service reported the order's parcel dispatched."""

    order_id: UUID
    carrier: str
    tracking_number: str
    shipped_at: datetime


@dataclass(frozen=True)
class MarkOrderPaid:
    order_id: UUID
    payment_id: UUID


@dataclass(frozen=True)
class ExpireOrder:
    order_id: UUID


def _check_items(items: Sequence[tuple[UUID, int]]) -> None:
    if not items:
        raise InvalidInput("An order needs items.", errors={"items": ["At least one item."]})
    seen: set[UUID] = set()
    for index, (product_id, quantity) in enumerate(items):
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidInput(
                "Quantities are whole numbers from 1.",
                errors={f"items.{index}.quantity": ["A whole number of at least 1."]},
            )
        if product_id in seen:
            raise InvalidInput(
                "A product may appear once per order.",
                errors={f"items.{index}.product_id": ["This product is already in the order."]},
            )
        seen.add(product_id)


def place_order(
    cmd: PlaceOrder,
    uow: OrderingUnitOfWork,
    pricing: Pricing,
    inventory: Inventory,
    terms: Callable[[], ShopTerms],
    now: Callable[[], datetime],
    hold: timedelta,
) -> Order:
    """Price the items from the catalog, reserve the stock and confirm the order, all or nothing."""
    _check_items(cmd.items)
    with uow:  # every read inside the transaction: on PostgreSQL, RLS sees the tenant there
        shop = terms()
        offers = pricing.current_offers(pid for pid, _ in cmd.items)
        order = Order(
            customer_id=cmd.customer_id,
            currency=shop.currency,
            tax_rate=shop.tax_rate,
            shipping_address=cmd.shipping_address,
        )
        known = [(pid, qty) for pid, qty in cmd.items if pid in offers]
        for product_id, quantity in known:
            offer = offers[product_id]
            order.add_line(product_id, offer.name, offer.price, quantity)
        reserved_until = now() + hold
        # Stock first (409), then unknown products (422): API.md's order of checks.
        if known:
            inventory.reserve(order.id, known, reserved_until)
        unknown = [str(pid) for pid, _ in cmd.items if pid not in offers]
        if unknown:
            raise BusinessRuleViolation(
                f"Not for sale in this shop: {', '.join(unknown)}.", code="unknown-product"
            )
        order.confirm(reserved_until)
        uow.orders.add(order)
        uow.commit()
    return order


def _load(uow: OrderingUnitOfWork, order_id: UUID) -> Order:
    order = uow.orders.get_for_update(order_id)
    if order is None:
        raise NotFound("No such order.")
    return order


def cancel_order(cmd: CancelOrder, uow: OrderingUnitOfWork, inventory: Inventory) -> Order:
    """Cancel a confirmed order and return its stock."""
    with uow:
        order = _load(uow, cmd.order_id)
        order.cancel(cmd.reason)
        inventory.release(order.id)
        uow.orders.save(order)
        uow.commit()
    return order


def fulfil_order(cmd: FulfilOrder, uow: OrderingUnitOfWork) -> Order:
    """Mark a paid order fulfilled."""
    with uow:
        order = _load(uow, cmd.order_id)
        order.fulfil()
        uow.orders.save(order)
        uow.commit()
    return order


def record_shipment(cmd: RecordShipment, uow: OrderingUnitOfWork) -> bool:
    """Mark the order fulfilled with its carrier and tracking number; False if nothing changed."""
    with uow:
        order = _load(uow, cmd.order_id)
        changed = order.record_shipment(cmd.carrier, cmd.tracking_number, cmd.shipped_at)
        uow.orders.save(order)
        uow.commit()
    return changed


def expire_order(
    cmd: ExpireOrder, uow: OrderingUnitOfWork, inventory: Inventory, now: datetime
) -> bool:
    """Cancel the order if its reservation ended unpaid; return whether it did.

    The order row is locked first: a payment of the same order waits, and then finds it
    cancelled (or the sweep waits, and then finds it paid and leaves it).
    """
    with uow:
        order = _load(uow, cmd.order_id)
        if not order.expire(now):
            return False
        inventory.release(order.id)
        uow.orders.save(order)
        uow.commit()
    return True


def mark_order_paid(
    cmd: MarkOrderPaid, uow: OrderingUnitOfWork, inventory: Inventory, now: datetime
) -> Order:
    """Record a captured payment: the held stock is sold and the order becomes paid.

    The order row is locked first, like the expiry sweep does: of a payment and an expiry of
    the same order, one waits for the other, so an order ends paid with its stock committed or
    cancelled with its stock released, never both.
    """
    with uow:
        order = _load(uow, cmd.order_id)
        order.mark_paid(cmd.payment_id, now)
        inventory.commit(order.id)
        uow.orders.save(order)
        uow.commit()
    return order
