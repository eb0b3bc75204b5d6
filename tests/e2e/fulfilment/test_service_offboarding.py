"""Offboarding reaches the fulfilment service: ``delete_tenant`` publishes
``tenancy.tenant_deleted``, the relay carries it to the service's queue and the service deletes
the shop's shipments (with their addresses). Real processes on PostgreSQL and RabbitMQ.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.e2e.fulfilment.conftest import ADDRESS, Shop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.rabbitmq,
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
]

DEADLINE = 20.0


def test_deleting_a_shop_deletes_its_shipments_at_the_service(start_link, shop: Shop) -> None:
    # The parcel would leave only after ten minutes: the shipment is still pending, with its
    # address, when the shop leaves.
    link = start_link(ship_after=600)
    order = shop.place(ADDRESS)
    shop.pay(order)
    link.wait_until(lambda: order in link.shipments(shop.slug), DEADLINE, "the shipment")

    call_command("tenants", "suspend", shop.slug, stdout=StringIO())
    call_command("delete_tenant", shop.slug, "--confirm", shop.slug, stdout=StringIO())

    link.wait_until(
        lambda: link.shipments(shop.slug) == {}, DEADLINE, "the shop's shipments deleted"
    )
