"""A shop whose orders go through ordering's use cases; the projections follow the event store."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from django.db import connections
from django.utils import timezone

from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap as ordering
from emporium.ordering.application.record_refund import RecordRefund
from emporium.ordering.application.use_cases import CancelOrder, MarkOrderPaid, PlaceOrder
from emporium.ordering.domain.order import CancelReason
from emporium.shared_kernel.money import Money
from tests.e2e.ordering.conftest import make_product

#: A broker URL that holds the events: committed and stored, but not delivered in-process.
HELD = "amqp://held.invalid//"


@dataclass
class Shops:
    """acme and globex without tax, a customer of each, and products of each."""

    acme: TenantRef
    globex: TenantRef
    customers: dict[str, UUID]
    products: dict[str, UUID]
    #: In a test inside one transaction: runs what each use case's commit scheduled.
    on_commit: Callable[..., Any] | None = None

    @contextmanager
    def _committing(self, tenant: TenantRef) -> Iterator[None]:
        with tenant_context(tenant):
            if self.on_commit is None:
                yield
            else:
                with self.on_commit(execute=True):
                    yield

    def order(self, tenant: TenantRef, quantity: int, product: str | None = None) -> UUID:
        """Place an order of ``quantity`` units through ordering's use case; return its id."""
        with self._committing(tenant):
            items = [(self.products[product or tenant.slug], quantity)]
            return ordering.place_order(PlaceOrder(self.customers[tenant.slug], items)).id

    def cancel(self, tenant: TenantRef, order_id: UUID) -> None:
        """Cancel the order through ordering's use case."""
        with self._committing(tenant):
            ordering.cancel_order(CancelOrder(order_id, CancelReason.CUSTOMER))

    def pay(self, tenant: TenantRef, order_id: UUID) -> UUID:
        """Record a captured payment of the order (now); return the payment's id."""
        payment = uuid.uuid4()
        with self._committing(tenant):
            ordering.mark_order_paid(MarkOrderPaid(order_id, payment))
        return payment

    def refund(
        self, tenant: TenantRef, order_id: UUID, payment: UUID, amount: str, at: datetime
    ) -> None:
        """Record a partial refund of ``amount`` USD made at ``at``."""
        money = Money.of(amount, "USD")
        with self._committing(tenant):
            ordering.record_refund(RecordRefund(order_id, payment, uuid.uuid4(), money, money, at))


@pytest.fixture
def shops(
    request: pytest.FixtureRequest,
    settings: Any,
    make_tenant: Callable[..., TenantRef],
    make_account: Callable[..., Any],
) -> Shops:
    """Return the shops, with the consumers run in-process after each commit."""
    settings.CELERY_BROKER_URL = ""
    zero = Decimal("0.00")  # so an order's total is the sum of its lines
    acme = make_tenant("acme", "Acme Inc.", tax_rate=zero)
    globex = make_tenant("globex", "Globex Corporation", tax_rate=zero)
    customers = {
        tenant.slug: make_account(tenant, f"buyer@{tenant.slug}.example", "customer").pk
        for tenant in (acme, globex)
    }
    products = {
        "acme": make_product(acme, "Mug", "4.00", stock=50),
        "pan": make_product(acme, "Pan", "45.90", stock=50),
        "lid": make_product(acme, "Lid", "1.50", stock=50),
        "globex": make_product(globex, "Globex mug", "1.00", stock=50),
    }
    shops = Shops(acme, globex, customers, products)
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and not marker.kwargs.get("transaction"):
        # Nothing commits in a test inside one transaction: run what each commit would.
        shops.on_commit = request.getfixturevalue("django_capture_on_commit_callbacks")
    return shops


class HeldDelivery:
    """Events committed while held are stored, but reach no in-process consumer."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        settings.CELERY_BROKER_URL = HELD

    def release(self) -> None:
        """Deliver in-process again after each commit (what was held stays undelivered)."""
        self.settings.CELERY_BROKER_URL = ""


@pytest.fixture
def held(shops: Shops, settings: Any) -> HeldDelivery:
    """Hold in-process delivery (after ``shops``, which turns it on)."""
    return HeldDelivery(settings)


def today() -> Any:
    """Return today's UTC date (the day of what the test does now)."""
    return timezone.now().date()


def in_threads(work: Callable[[int], Any], count: int) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(0..count-1)`` in threads released together; return results and errors."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[n] = work(n)
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    return results, errors
