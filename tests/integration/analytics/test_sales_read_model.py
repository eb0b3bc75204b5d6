"""The sales read model on PostgreSQL: its consumer, replay, tenant walls and concurrent orders."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from django.db import connections

from emporium.analytics import bootstrap
from emporium.infrastructure.messaging.inbox import consume_once, consumer_registry
from emporium.multitenancy.context import TenantRef
from emporium.shared_kernel.events import EventEnvelope
from tests.integration.analytics.rows import days_of, facts_of
from tests.unit.analytics.events import cancelled, placed

CONSUMER = "sales-read-model"
NOV_25 = date(2026, 11, 25)

pytestmark = pytest.mark.postgres


def deliver(*envelopes: EventEnvelope) -> list[bool]:
    """Hand each envelope to the registered sales consumer, once per event id."""
    ran = []
    for envelope in envelopes:
        handler = dict(consumer_registry().consumers_for(envelope.type))[CONSUMER]
        ran.append(consume_once(CONSUMER, envelope, handler))
    return ran


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.mark.django_db
def test_both_event_types_have_the_sales_consumer() -> None:
    for event_type in ("ordering.order_placed", "ordering.order_cancelled"):
        assert CONSUMER in dict(consumer_registry().consumers_for(event_type))


@pytest.mark.django_db
def test_placed_and_cancelled_orders_give_exact_figures_once_however_often_delivered(
    acme_and_globex: tuple[TenantRef, TenantRef],
) -> None:
    acme, _ = acme_and_globex
    kept, dropped = new_id(), new_id()
    events = [placed(kept, "21.60", 2), placed(dropped, "5.00", 1, 3), cancelled(dropped)]

    assert deliver(*events) == [True, True, True]
    assert deliver(*events) == [False, False, False]

    assert days_of(acme) == [(NOV_25, "USD", 1, 2, 2160)]
    assert facts_of(acme) == sorted(
        [
            (uuid.UUID(kept), NOV_25, 2, 2160, "USD", False),
            (uuid.UUID(dropped), NOV_25, 4, 500, "USD", True),
        ]
    )


@pytest.mark.django_db
def test_a_cancel_before_its_place_is_remembered(
    acme_and_globex: tuple[TenantRef, TenantRef],
) -> None:
    acme, _ = acme_and_globex
    order = new_id()

    deliver(cancelled(order))
    assert facts_of(acme) == [(uuid.UUID(order), None, 0, 0, "", True)]
    deliver(placed(order, "21.60", 2))

    assert days_of(acme) == []
    assert facts_of(acme) == [(uuid.UUID(order), NOV_25, 2, 2160, "USD", True)]


@pytest.mark.django_db
def test_each_tenant_sees_only_its_own_figures(
    acme_and_globex: tuple[TenantRef, TenantRef],
) -> None:
    acme, globex = acme_and_globex

    deliver(placed(new_id(), "21.60", 2), placed(new_id(), "7.00", 7, tenant="globex"))

    assert days_of(acme) == [(NOV_25, "USD", 1, 2, 2160)]
    assert days_of(globex) == [(NOV_25, "USD", 1, 7, 700)]


@pytest.mark.django_db
def test_a_replay_of_the_same_events_rebuilds_the_same_rows(
    acme_and_globex: tuple[TenantRef, TenantRef],
) -> None:
    acme, globex = acme_and_globex
    ids = [new_id() for _ in range(4)]
    nov_26 = datetime(2026, 11, 26, 8, tzinfo=UTC)
    events = [
        placed(ids[0], "21.60", 2),
        cancelled(ids[1]),  # before its place
        placed(ids[1], "3.00", 3),
        placed(ids[2], "0.70", 1, 1, at=nov_26),
        placed(ids[3], "45.90", 1, at=nov_26),
        cancelled(ids[3], at=nov_26.replace(hour=9)),
    ]
    deliver(*events, placed(new_id(), "9.99", 1, tenant="globex"))
    live_days, live_facts, globex_days = days_of(acme), facts_of(acme), days_of(globex)

    assert bootstrap.rebuild_sales(acme, lambda: events).events == 6

    assert days_of(acme) == live_days
    assert facts_of(acme) == live_facts
    assert live_days == [(NOV_25, "USD", 1, 2, 2160), (date(2026, 11, 26), "USD", 1, 2, 70)]
    assert days_of(globex) == globex_days  # another tenant's rows are not touched


def in_threads(work: Callable[[int], None], count: int) -> list[BaseException]:
    """Run ``work(0..count-1)`` in threads released together; return what they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=10)
            work(n)
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_of_one_day_lose_no_update(
    acme_and_globex: tuple[TenantRef, TenantRef],
) -> None:
    acme, _ = acme_and_globex
    count = 8
    events = [placed(new_id(), f"{n + 1}.00", n + 1) for n in range(count)]

    errors = in_threads(lambda n: deliver(events[n]), count)

    assert errors == []
    # 1 + 2 + ... + 8 = 36 units; 36.00 USD.
    assert days_of(acme) == [(NOV_25, "USD", count, 36, 3600)]


@pytest.mark.django_db(transaction=True)
def test_a_place_and_its_cancel_delivered_at_once_leave_the_order_out(
    acme_and_globex: tuple[TenantRef, TenantRef],
) -> None:
    acme, _ = acme_and_globex
    orders = [new_id() for _ in range(4)]
    events = [event for order in orders for event in (placed(order, "2.00", 2), cancelled(order))]

    errors = in_threads(lambda n: deliver(events[n]), len(events))

    assert errors == []
    assert days_of(acme) in ([], [(NOV_25, "USD", 0, 0, 0)])
    assert all(fact[-1] for fact in facts_of(acme))
