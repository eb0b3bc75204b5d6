"""Payments under real concurrency (PostgreSQL): one capture per order, paid or cancelled."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from emporium.inventory.models import Reservation, StockItem
from emporium.multitenancy.context import tenant_context
from emporium.ordering import bootstrap as ordering
from emporium.ordering.application.use_cases import ExpireOrder, PlaceOrder
from emporium.ordering.models import Order
from emporium.payments import bootstrap
from emporium.payments.application.pay_order import PayOrder
from emporium.payments.models import Payment
from emporium.shared_kernel.errors import DomainError
from tests.e2e.ordering.conftest import make_product
from tests.order_streams import backdate_reservation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROUNDS = 10
CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


def together(tenant, *jobs: Callable[[], str]) -> list[str]:
    """Run ``jobs`` at the same moment in threads; return what each answered, in order."""
    barrier = threading.Barrier(len(jobs))
    results = [""] * len(jobs)

    def run(index: int, job: Callable[[], str]) -> None:
        with tenant_context(tenant):
            barrier.wait()
            try:
                results[index] = job()
            except DomainError as refused:
                results[index] = refused.code
            finally:
                connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def payer(order_id: uuid.UUID, customer_id: uuid.UUID) -> Callable[[], str]:
    def pay() -> str:
        command = PayOrder(order_id, customer_id, False, "card", {"method": "card", **CARD})
        return bootstrap.pay_order(command).status.value

    return pay


def captures(tenant, order_id: uuid.UUID) -> int:
    with tenant_context(tenant), transaction.atomic():
        return Payment.objects.filter(order_id=order_id, status="captured").count()


@pytest.fixture
def contested(acme_and_globex, make_account):
    acme, _ = acme_and_globex
    customer = make_account(acme, "racer@acme.example", "customer")
    product = make_product(acme, "Contested mug", "4.00", stock=ROUNDS)
    return acme, customer, product


def test_two_payments_of_one_order_capture_once(contested) -> None:
    acme, customer, product = contested
    for _ in range(ROUNDS):
        with tenant_context(acme):
            order = ordering.place_order(PlaceOrder(customer.pk, [(product, 1)]))

        results = together(acme, payer(order.id, customer.pk), payer(order.id, customer.pk))

        assert sorted(results)[0] == "captured"
        assert sorted(results)[1] in {"not-payable", "payment-in-flight"}
        assert captures(acme, order.id) == 1


def test_a_payment_racing_expiry_ends_paid_or_cancelled_never_both(contested) -> None:
    acme, customer, product = contested
    paid = 0
    for _ in range(ROUNDS):
        with tenant_context(acme):
            order = ordering.place_order(PlaceOrder(customer.pk, [(product, 1)]))
            with transaction.atomic():
                backdate_reservation(order.id, timezone.now() - timedelta(seconds=1))

        def expire(order_id: uuid.UUID = order.id) -> str:
            done = ordering.expire_order(ExpireOrder(order_id))
            return "expired" if done else "left"

        pay_result, expire_result = together(acme, payer(order.id, customer.pk), expire)

        with tenant_context(acme), transaction.atomic():
            status = Order.objects.get(pk=order.id).status
            held = set(
                Reservation.objects.filter(order_id=order.id).values_list("status", flat=True)
            )
        if status == "paid":
            assert (held, pay_result, expire_result) == ({"committed"}, "captured", "left")
            assert captures(acme, order.id) == 1
            paid += 1
        else:
            assert status == "cancelled"
            assert held == {"released"}
            # Past reserved_until the order's rule refuses the payment, whoever locks first.
            assert pay_result in {"not-payable", "payment-in-flight", "reservation-expired"}
            assert expire_result == "expired"
            assert captures(acme, order.id) == 0

    with tenant_context(acme), transaction.atomic():
        stock = StockItem.objects.get(product_id=product)
    assert (stock.on_hand, stock.reserved) == (ROUNDS - paid, 0)
