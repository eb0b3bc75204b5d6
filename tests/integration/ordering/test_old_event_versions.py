"""Orders whose stream an older release wrote: ordering.order_placed v1 had no ``currency``.

Nor, like v2, a ``shipping_address``: orders had none before v3.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from django.db import transaction

from emporium.catalog import bootstrap as catalog
from emporium.catalog.application import use_cases as catalog_cases
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.inventory.application.use_cases import SetStock
from emporium.inventory.bootstrap import count_stock
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap
from emporium.ordering.adapters.event_store import DjangoOrderEventStore
from emporium.ordering.adapters.repository import to_domain
from emporium.ordering.application.use_cases import CancelOrder, MarkOrderPaid, PlaceOrder
from emporium.ordering.domain.order import CancelReason, Order
from emporium.ordering.models import Order as OrderRow
from emporium.ordering.models import OrderEvent
from emporium.shared_kernel.money import Money

pytestmark = pytest.mark.django_db

PLACED = "ordering.order_placed"


def euro_mug(shop: TenantRef) -> UUID:
    with tenant_context(shop):
        product = catalog.create_product(
            catalog_cases.CreateProduct("Mug", "Holds tea.", None, Money.of("4.00", "EUR"), "EUR")
        )
        catalog.publish_product(catalog_cases.PublishProduct(product.id))
        count_stock(SetStock(product.id, 10))
    return product.id


def store_as_v1(order_id: UUID) -> dict[str, Any]:
    """Rewrite the order's placed event as a release before schema versions stored it."""
    placed = OrderEvent.objects.get(order_id=order_id, version=1)
    newer = ("currency", "shipping_address")  # added by v2 and v3
    v1 = {name: value for name, value in placed.payload.items() if name not in newer}
    OrderEvent.objects.filter(pk=placed.pk).update(payload=v1, schema_version=1)
    return v1


def stored(order_id: UUID) -> list[tuple[str, int, int]]:
    return list(
        OrderEvent.objects.filter(order_id=order_id)
        .order_by("version")
        .values_list("type", "version", "schema_version")
    )


def test_an_order_placed_by_an_old_release_loads_and_goes_on_through_the_use_cases(
    make_tenant: Callable[..., TenantRef], make_account: Callable[..., Any]
) -> None:
    shop = make_tenant("ecu", "Ecu", currency="EUR", tax_rate=Decimal("20.00"))
    customer = make_account(shop, "ann@ecu.example", "customer").pk
    mug = euro_mug(shop)
    with tenant_context(shop):
        to_pay = bootstrap.place_order(PlaceOrder(customer, [(mug, 2)]))
        to_cancel = bootstrap.place_order(PlaceOrder(customer, [(mug, 1)]))
        with transaction.atomic():
            old = {order_id: store_as_v1(order_id) for order_id in (to_pay.id, to_cancel.id)}
            loaded = Order.from_events(DjangoOrderEventStore().load(to_pay.id))
            row = OrderRow.objects.get(pk=to_pay.id)
            snapshot = to_domain(row, list(row.lines.all()))
            before = stored(to_pay.id)

    assert before == [(PLACED, 1, 1)]
    assert "currency" not in old[to_pay.id]
    assert "shipping_address" not in old[to_pay.id]
    assert loaded.currency == "EUR"
    assert loaded.shipping_address is None
    assert loaded.total == Money.of("9.60", "EUR")  # 2 x 4.00 and 20 % tax
    assert loaded.state() == snapshot.state()

    payment = uuid.uuid4()
    with tenant_context(shop):
        paid = bootstrap.mark_order_paid(MarkOrderPaid(to_pay.id, payment))
        cancelled = bootstrap.cancel_order(CancelOrder(to_cancel.id, CancelReason.CUSTOMER))
        with transaction.atomic():
            rows = {row.id: row for row in OrderRow.objects.all()}
            placed_now = {
                order_id: OrderEvent.objects.get(order_id=order_id, version=1).payload
                for order_id in old
            }
            after = {order_id: stored(order_id) for order_id in old}
            paid_total = OutboxMessage.objects.get(
                aggregate_id=str(to_pay.id), type="ordering.order_paid"
            ).payload["total"]
        verified = bootstrap.verify_orders(shop)

    assert (paid.status, paid.currency, paid.payment_id, paid.version) == (
        "paid",
        "EUR",
        payment,
        2,
    )
    assert (cancelled.status, cancelled.cancel_reason, cancelled.version) == (
        "cancelled",
        "customer",
        2,
    )
    assert (rows[to_pay.id].status, rows[to_pay.id].version) == ("paid", 2)
    assert (rows[to_cancel.id].status, rows[to_cancel.id].version) == ("cancelled", 2)
    # The old events stay as they were written; the new ones are in their current shapes.
    # An order from before addresses has nothing to ship: paying it requests no fulfilment.
    assert placed_now == old
    assert after == {
        to_pay.id: [(PLACED, 1, 1), ("ordering.order_paid", 2, 1)],
        to_cancel.id: [(PLACED, 1, 1), ("ordering.order_cancelled", 2, 1)],
    }
    assert paid_total == {"amount": "9.60", "currency": "EUR"}
    assert (verified.orders, verified.differences) == (2, [])
