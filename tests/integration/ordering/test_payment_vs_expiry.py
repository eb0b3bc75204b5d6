"""A payment and the expiry sweep racing for an order past reserved_until: never both.

The order's own rule refuses the late payment whoever locks first, so every round ends
cancelled with its stock released once.
"""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from emporium.inventory.models import Reservation, StockItem
from emporium.multitenancy.context import tenant_context
from emporium.ordering import bootstrap
from emporium.ordering.application.use_cases import ExpireOrder, MarkOrderPaid, PlaceOrder
from emporium.ordering.models import Order
from emporium.shared_kernel.errors import BusinessRuleViolation
from tests.e2e.ordering.conftest import make_product
from tests.order_streams import backdate_reservation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROUNDS = 15


def race(tenant, order_id: uuid.UUID) -> dict[str, str]:
    """Run a payment and an expiry of the order at the same moment; return what each saw."""
    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def pay() -> None:
        with tenant_context(tenant):
            barrier.wait()
            try:
                bootstrap.mark_order_paid(MarkOrderPaid(order_id, uuid.uuid4()))
                results["pay"] = "paid"
            except BusinessRuleViolation as refused:
                results["pay"] = refused.code
            finally:
                connections.close_all()

    def expire() -> None:
        with tenant_context(tenant):
            barrier.wait()
            try:
                done = bootstrap.expire_order(ExpireOrder(order_id))
                results["expire"] = "expired" if done else "left"
            finally:
                connections.close_all()

    threads = [threading.Thread(target=pay), threading.Thread(target=expire)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_payment_racing_expiry_ends_paid_or_cancelled(acme_and_globex, make_account) -> None:
    acme, _ = acme_and_globex
    customer = make_account(acme, "racer@acme.example", "customer")
    product = make_product(acme, "Contested mug", "4.00", stock=ROUNDS)
    paid = 0

    for _ in range(ROUNDS):
        with tenant_context(acme):
            order = bootstrap.place_order(PlaceOrder(customer.pk, [(product, 1)]))
            with transaction.atomic():
                backdate_reservation(order.id, timezone.now() - timedelta(seconds=1))

        results = race(acme, order.id)

        with tenant_context(acme), transaction.atomic():
            status = Order.objects.get(pk=order.id).status
            held = set(
                Reservation.objects.filter(order_id=order.id).values_list("status", flat=True)
            )
        assert (status, held, results) in [
            ("cancelled", {"released"}, {"pay": "reservation-expired", "expire": "expired"}),
            ("cancelled", {"released"}, {"pay": "not-payable", "expire": "expired"}),
        ]
        paid += status == "paid"

    with tenant_context(acme), transaction.atomic():
        stock = StockItem.objects.get(product_id=product)
    assert (stock.on_hand, stock.reserved) == (ROUNDS - paid, 0)
