"""The order repository stores each new event once, however often a unit of work saves."""

from __future__ import annotations

import uuid

import pytest

from emporium.catalog import bootstrap as catalog
from emporium.catalog.application import use_cases as catalog_cases
from emporium.infrastructure.bus import message_bus
from emporium.inventory.application.use_cases import SetStock
from emporium.inventory.bootstrap import count_stock
from emporium.multitenancy.context import tenant_context
from emporium.ordering import bootstrap
from emporium.ordering.adapters.event_store import DjangoOrderEventStore
from emporium.ordering.adapters.repository import DjangoOrderingUnitOfWork
from emporium.ordering.application.use_cases import PlaceOrder
from emporium.ordering.models import Order as OrderRow
from emporium.shared_kernel.money import Money

pytestmark = pytest.mark.django_db


def test_two_saves_in_one_unit_of_work_store_each_event_once(acme_and_globex, make_account):
    acme, _ = acme_and_globex
    customer = make_account(acme, "saver@acme.example", "customer")
    with tenant_context(acme):
        product = catalog.create_product(
            catalog_cases.CreateProduct("Mug", "Holds tea.", None, Money.of("4.00", "USD"), "USD")
        )
        catalog.publish_product(catalog_cases.PublishProduct(product.id))
        count_stock(SetStock(product.id, 5))
        placed = bootstrap.place_order(PlaceOrder(customer.pk, [(product.id, 1)]))

        uow = DjangoOrderingUnitOfWork(message_bus())
        with uow:
            order = uow.orders.get_for_update(placed.id)
            assert order is not None
            order.mark_paid(uuid.uuid4(), order.created_at)
            uow.orders.save(order)
            order.fulfil()
            uow.orders.save(order)
            uow.orders.save(order)  # nothing new: writes nothing
            uow.commit()

        stream = DjangoOrderEventStore().load(placed.id)
        row = OrderRow.objects.get(pk=placed.id)

    assert [(e.type, e.aggregate_version) for e in stream] == [
        ("ordering.order_placed", 1),
        ("ordering.order_paid", 2),
        ("ordering.order_fulfilled", 3),
    ]
    assert (row.status, row.version) == ("fulfilled", 3)
