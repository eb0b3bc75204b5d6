"""One retry per request: a change overtaken once still succeeds; overtaken twice, it is a 409.

Real writers lock the order row before they read the stream, so none can overtake another. To
lose for real, the repository's read is replaced by one that reads as a writer without the lock
would, and then lets another transaction (another thread, its own connection) record a refund
of the same order and commit. Our write then finds the snapshot moved past the version it read.
The change is a fulfilment: a partial refund leaves a paid order paid, so a retry can succeed.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from django.db import connections, transaction

from emporium.identity.adapters.tokens import issue_token
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap
from emporium.ordering.adapters.repository import DjangoOrderRepository
from emporium.ordering.application.record_refund import RecordRefund
from emporium.ordering.application.use_cases import MarkOrderPaid
from emporium.ordering.domain.order import Order
from emporium.ordering.models import Order as OrderRow
from emporium.ordering.models import OrderEvent
from emporium.shared_kernel.money import Money
from tests.e2e.ordering.conftest import Shop, make_product

# Threads with connections of their own: PostgreSQL (SQLite queues every writer behind one lock).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PROBLEM = "https://emporium.example/problems/concurrent-update"
REFUND = Money.of("0.10", "USD")
locked_read = DjangoOrderRepository.get_for_update


class Overtaken:
    """The repository's read: the first ``times`` reads of this thread take no lock and lose."""

    def __init__(self, tenant: TenantRef, payment_id: UUID, times: int) -> None:
        self.tenant, self.payment_id, self.times = tenant, payment_id, times
        self.thread = threading.get_ident()
        self.reads = 0
        self.refunds: list[Order] = []

    def get_for_update(self, repository: DjangoOrderRepository, order_id: UUID) -> Order | None:
        if threading.get_ident() != self.thread:
            return locked_read(repository, order_id)  # the refund's own read
        self.reads += 1
        if self.reads > self.times:
            return locked_read(repository, order_id)
        order = Order.from_events(repository.events.load(order_id))
        repository.uow.track(order)
        self.refund_elsewhere(order_id)
        return order

    def refund_elsewhere(self, order_id: UUID) -> None:
        def refund() -> None:
            try:
                with tenant_context(self.tenant):
                    total = REFUND * (len(self.refunds) + 1)
                    self.refunds.append(
                        bootstrap.record_refund(
                            RecordRefund(
                                order_id,
                                self.payment_id,
                                uuid.uuid4(),
                                REFUND,
                                total,
                                datetime.now(UTC),
                            )
                        )
                    )
            finally:
                connections.close_all()

        other = threading.Thread(target=refund)
        other.start()
        other.join()


@pytest.fixture
def shop(acme_and_globex: tuple[TenantRef, TenantRef], make_account: Callable[..., Any]) -> Shop:
    """Return acme with ann (a customer), staff and mugs in stock."""
    acme, globex = acme_and_globex
    shop = Shop(acme, globex)
    for who, role in (("ann", "customer"), ("staff", "staff")):
        shop.users[who] = make_account(acme, f"{who}@shop.example", role)
        # In a transaction: on PostgreSQL the tenant reaches RLS per transaction.
        with tenant_context(acme), transaction.atomic():
            shop.tokens[who] = issue_token(shop.users[who])[0]
    shop.products["mug"] = make_product(acme, "Mug", "0.35", stock=10)
    return shop


@pytest.fixture
def paid_order(shop: Shop) -> tuple[UUID, UUID]:
    """Return a paid order of ann's (two mugs, 0.76 with tax) and its payment's id."""
    order_id = UUID(shop.order("ann", ("mug", 2)).json()["id"])
    payment_id = uuid.uuid4()
    with tenant_context(shop.acme):
        bootstrap.mark_order_paid(MarkOrderPaid(order_id, payment_id))
    return order_id, payment_id


def overtake(
    monkeypatch: pytest.MonkeyPatch, shop: Shop, payment_id: UUID, times: int
) -> Overtaken:
    double = Overtaken(shop.acme, payment_id, times)
    monkeypatch.setattr(
        DjangoOrderRepository,
        "get_for_update",
        lambda repository, order_id: double.get_for_update(repository, order_id),
    )
    return double


def stored(shop: Shop, order_id: UUID) -> tuple[str, int, list[tuple[int, str]], list[str]]:
    """Return the order row's status and version, its stream and its events in the outbox."""
    with tenant_context(shop.acme), transaction.atomic():
        row = OrderRow.objects.get(pk=order_id)
        stream = list(
            OrderEvent.objects.filter(order_id=order_id)
            .order_by("version")
            .values_list("version", "type")
        )
    outbox = OutboxMessage.objects.filter(aggregate_id=str(order_id)).order_by("aggregate_version")
    return row.status, row.version, stream, list(outbox.values_list("type", flat=True))


# No shipping address: nothing is sent to the fulfilment service, and staff fulfil it.
PAID_LIFE = [
    (1, "ordering.order_placed"),
    (2, "ordering.order_paid"),
]


def test_a_change_overtaken_once_succeeds_on_its_retry(
    shop: Shop, paid_order: tuple[UUID, UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id, payment_id = paid_order
    double = overtake(monkeypatch, shop, payment_id, times=1)

    response = shop.call("post", f"/api/v1/orders/{order_id}/fulfil/", "staff")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "fulfilled"
    assert (double.reads, len(double.refunds)) == (2, 1)
    assert stored(shop, order_id) == (
        "fulfilled",
        4,
        [*PAID_LIFE, (3, "ordering.order_refunded"), (4, "ordering.order_fulfilled")],
        [t for _, t in PAID_LIFE] + ["ordering.order_refunded", "ordering.order_fulfilled"],
    )


def test_a_change_overtaken_twice_is_a_409_concurrent_update_and_changes_nothing(
    shop: Shop, paid_order: tuple[UUID, UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    order_id, payment_id = paid_order
    double = overtake(monkeypatch, shop, payment_id, times=2)

    response = shop.call("post", f"/api/v1/orders/{order_id}/fulfil/", "staff")

    assert response.status_code == 409
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEM
    # One retry, not more: two reads, each overtaken by a refund; no fulfilment anywhere.
    assert (double.reads, len(double.refunds)) == (2, 2)
    assert [refund.version for refund in double.refunds] == [3, 4]
    assert stored(shop, order_id) == (
        "paid",
        4,
        [*PAID_LIFE, (3, "ordering.order_refunded"), (4, "ordering.order_refunded")],
        [t for _, t in PAID_LIFE] + ["ordering.order_refunded"] * 2,
    )
    with tenant_context(shop.acme), transaction.atomic():
        assert OrderRow.objects.get(pk=order_id).total == Money.of(Decimal("0.76"), "USD")
