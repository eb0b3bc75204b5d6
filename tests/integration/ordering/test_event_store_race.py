"""Two processes appending the same next version of one order: one wins, the other is told.

On real PostgreSQL, each round both processes read the same last version, wait for each other,
then append the next one through ``DjangoOrderEventStore.append``. The unique (tenant, order,
version) lets one through and turns the other into ``ConcurrentUpdate``; the tenant's stream
head keeps positions dense whoever wins.
"""

from __future__ import annotations

import multiprocessing
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction

from emporium.infrastructure.db.provisioning import PgTarget
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap
from emporium.ordering.adapters.event_store import DjangoOrderEventStore
from emporium.ordering.application.use_cases import MarkOrderPaid, PlaceOrder
from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.domain.order import Order, OrderStatus
from emporium.ordering.models import OrderEvent, OrderStreamHead
from tests.e2e.ordering.conftest import make_product
from tests.integration.ordering import appender

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROUNDS = 10


def child_env() -> dict[str, str]:
    """Return the environment that points a child process at this worker's test database."""
    database = settings.DATABASES["default"]["NAME"]
    return {
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": PgTarget.parse(settings.DATABASE_URL).with_database(database).url,
        "DATABASE_ADMIN_URL": PgTarget.parse(settings.DATABASE_ADMIN_URL)
        .with_database(database)
        .url,
    }


def test_two_processes_appending_the_same_version_one_wins_and_positions_stay_dense(
    acme_and_globex: tuple[TenantRef, TenantRef], make_account: Callable[..., Any]
) -> None:
    acme, globex = acme_and_globex
    customer = make_account(acme, "ann@acme.example", "customer").pk
    mug = make_product(acme, "Mug", "4.00", stock=10)
    payment = uuid.uuid4()
    with tenant_context(acme):
        bystander = bootstrap.place_order(PlaceOrder(customer, [(mug, 1)]))
        # With an address, paying records two events: order_paid and fulfilment_requested.
        address = ShippingAddress("Ann Lee", "1 Quay St", "", "Bristol", "BS1 4DJ", "GB")
        order = bootstrap.place_order(PlaceOrder(customer, [(mug, 2)], shipping_address=address))
        bootstrap.mark_order_paid(MarkOrderPaid(order.id, payment))  # versions 2 and 3
    described = {
        "id": str(order.id),
        "customer_id": str(customer),
        "payment_id": str(payment),
        "currency": "USD",
    }
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(2), spawn.Queue()
    processes = [
        spawn.Process(
            target=appender.append_rounds,
            args=(child_env(), (str(acme.id), acme.slug), described, ROUNDS, barrier, results),
        )
        for _ in range(2)
    ]
    for process in processes:
        process.start()
    rounds: defaultdict[int, list[tuple[int, str]]] = defaultdict(list)
    try:
        for _ in range(2 * ROUNDS):
            pid, read, outcome = results.get(timeout=120)
            assert read >= 0, outcome  # a child failed: its error
            rounds[pid].append((read, outcome))
    finally:
        for process in processes:
            process.join(timeout=60)

    assert [process.exitcode for process in processes] == [0, 0]
    first, second = (rounds[process.pid] for process in processes if process.pid)
    assert len(first) == len(second) == ROUNDS
    # Each round both read the same version; exactly one appended the next.
    pairs = enumerate(zip(first, second, strict=True))
    for number, ((read, outcome), (other_read, other_outcome)) in pairs:
        assert read == other_read == 3 + number
        assert {outcome, other_outcome} == {"won", "lost"}
    with tenant_context(acme), transaction.atomic():
        versions = list(
            OrderEvent.objects.filter(order_id=order.id)
            .order_by("version")
            .values_list("version", flat=True)
        )
        positions = sorted(OrderEvent.objects.values_list("position", flat=True))
        head = OrderStreamHead.objects.get().position
        folded = Order.from_events(DjangoOrderEventStore().load(order.id))
        others = OrderEvent.objects.filter(order_id=bystander.id).count()
    with tenant_context(globex), transaction.atomic():
        globex_positions = list(OrderEvent.objects.values_list("position", flat=True))

    assert versions == list(range(1, 3 + ROUNDS + 1))
    assert others == 1
    assert positions == list(range(1, 1 + 3 + ROUNDS + 1))
    assert head == positions[-1]
    assert (folded.status, folded.version) == (OrderStatus.PAID, 3 + ROUNDS)
    assert globex_positions == []
