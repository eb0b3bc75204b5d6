"""Analytics' projections kept from ordering's event store: exact rows, once, per tenant."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.db import transaction

from emporium.analytics import bootstrap
from emporium.analytics.adapters.projections import PROJECTIONS
from emporium.analytics.domain.customers import CustomerSummary
from emporium.analytics.domain.products import ProductDay
from emporium.infrastructure.messaging.inbox import consume_once, consumer_registry
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering.public import order_event_source
from emporium.shared_kernel.events import EventEnvelope
from emporium.shared_kernel.money import Money
from tests.integration.analytics.conftest import HeldDelivery, Shops, in_threads, today
from tests.integration.analytics.rows import (
    days_of,
    facts_of,
    generations_in_use,
    live_rows,
    product_days_of,
    state_of,
    summaries_of,
)

CONSUMER = bootstrap.CONSUMER
ORDER_EVENTS = (
    "ordering.order_placed",
    "ordering.order_cancelled",
    "ordering.order_paid",
    "ordering.order_refunded",
)


def envelopes(tenant: TenantRef) -> list[EventEnvelope]:
    """Return the tenant's ordering envelopes the outbox holds, oldest first."""
    found = OutboxMessage.objects.filter(tenant=tenant.slug, type__startswith="ordering.")
    return [row.to_envelope() for row in found.order_by("created_at")]


def deliver(*delivered: EventEnvelope) -> list[bool]:
    """Hand each envelope to the projections consumer, once per event id."""
    ran = []
    for envelope in delivered:
        handler = consumer_registry().handler_for(CONSUMER, envelope.type)
        if handler is not None:
            ran.append(consume_once(CONSUMER, envelope, handler))
    return ran


def head_of(tenant: TenantRef) -> int:
    with tenant_context(tenant), transaction.atomic():
        return order_event_source().head()


@pytest.mark.django_db
def test_the_projections_consumer_is_bound_to_every_type_a_projection_reads() -> None:
    for event_type in ORDER_EVENTS:
        assert consumer_registry().handler_for(CONSUMER, event_type) is bootstrap.consume
    assert consumer_registry().handler_for(CONSUMER, "ordering.fulfilment_requested") is None
    assert consumer_registry().handler_for("sales-read-model", "ordering.order_placed") is None


@pytest.mark.django_db
def test_orders_through_the_use_cases_give_exact_figures_once_however_often_delivered(
    shops: Shops, held: HeldDelivery
) -> None:
    acme = shops.acme
    kept, pan = shops.order(acme, 2), shops.order(acme, 1, "pan")
    dropped = shops.order(acme, 3)
    shops.cancel(acme, dropped)
    assert days_of(acme) == []  # held: committed, not yet delivered
    held.release()
    stored = envelopes(acme)

    assert deliver(*stored) == [True, True, True, True]
    assert deliver(*stored) == [False, False, False, False]  # the inbox knows them
    with tenant_context(acme):
        for envelope in stored:  # a delivery the inbox did not stop: read by position, it adds 0
            bootstrap.consume(envelope)

    assert days_of(acme) == [(today(), "USD", 2, 3, 5390, 0)]
    assert facts_of(acme) == sorted(
        [
            (kept, today(), 2, 800, "USD", False),
            (pan, today(), 1, 4590, "USD", False),
            (dropped, today(), 3, 1200, "USD", True),
        ]
    )
    for projection in PROJECTIONS:
        assert state_of(acme, projection.name) == (4, 1, None)


@pytest.mark.django_db
def test_a_refund_counts_on_its_utc_day_and_comes_off_the_customers_payments(
    shops: Shops,
) -> None:
    acme = shops.acme
    order = shops.order(acme, 2)  # 8.00
    payment = shops.pay(acme, order)
    # 00:30 on the 28th at UTC+01:00 is 23:30 on the 27th in UTC.
    shops.refund(acme, order, payment, "1.50", datetime.fromisoformat("2026-11-28T00:30+01:00"))

    assert days_of(acme) == [
        (date(2026, 11, 27), "USD", 0, 0, 0, 150),
        (today(), "USD", 1, 2, 800, 0),
    ]
    [summary] = summaries_of(acme)
    assert (summary.customer_id, summary.orders, summary.paid_total) == (
        str(shops.customers["acme"]),
        1,
        (Money(650, "USD"),),
    )
    assert summary.first_order_at == summary.last_order_at is not None
    assert product_days_of(acme) == [
        ProductDay(str(shops.products["acme"]), today(), "USD", "Mug", 2, 800)
    ]


@pytest.mark.django_db
def test_each_tenant_sees_only_its_own_rows(shops: Shops) -> None:
    acme, globex = shops.acme, shops.globex

    shops.order(acme, 2)
    shops.pay(globex, shops.order(globex, 7))

    assert days_of(acme) == [(today(), "USD", 1, 2, 800, 0)]
    assert days_of(globex) == [(today(), "USD", 1, 7, 700, 0)]
    assert [s.customer_id for s in summaries_of(acme)] == [str(shops.customers["acme"])]
    [globex_summary] = summaries_of(globex)
    assert (globex_summary.customer_id, globex_summary.orders, globex_summary.paid_total) == (
        str(shops.customers["globex"]),
        1,
        (Money(700, "USD"),),
    )
    assert product_days_of(acme) == []  # acme's order is not paid
    assert state_of(acme, "sales")[0] == head_of(acme) == 1
    assert state_of(globex, "sales")[0] == head_of(globex) == 2  # placed, paid (nothing to ship)


@pytest.mark.django_db
def test_a_customer_summary_counts_cancelled_orders_and_only_paid_money(shops: Shops) -> None:
    acme = shops.acme
    shops.cancel(acme, shops.order(acme, 1))
    shops.pay(acme, shops.order(acme, 1, "pan"))
    shops.order(acme, 3)

    [summary] = summaries_of(acme)

    assert (summary.orders, summary.paid_total) == (3, (Money(4590, "USD"),))
    assert summary.first_order_at is not None
    assert summary.last_order_at is not None
    assert summary.first_order_at < summary.last_order_at
    assert summary == CustomerSummary(
        str(shops.customers["acme"]),
        3,
        (Money(4590, "USD"),),
        summary.first_order_at,
        summary.last_order_at,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_orders_of_one_day_lose_no_update(shops: Shops) -> None:
    acme, count = shops.acme, 6

    orders, errors = in_threads(lambda n: shops.order(acme, n + 1), count)

    assert errors == []
    # 1 + 2 + ... + 6 = 21 mugs of 4.00.
    assert days_of(acme) == [(today(), "USD", count, 21, 8400, 0)]
    assert sorted(fact[0] for fact in facts_of(acme)) == sorted(orders)
    [summary] = summaries_of(acme)
    assert summary.orders == count
    assert state_of(acme, "sales") == (count, 1, None)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_places_and_cancels_delivered_all_at_once_leave_the_orders_out(
    shops: Shops, held: HeldDelivery
) -> None:
    acme = shops.acme
    orders = [shops.order(acme, 2) for _ in range(4)]
    for order in orders:
        shops.cancel(acme, order)
    held.release()
    stored = envelopes(acme)

    ran, errors = in_threads(lambda n: deliver(stored[n]), len(stored))

    assert errors == []
    assert ran == [[True]] * len(stored)
    assert days_of(acme) == []  # one batch held each place with its cancel: no figures at all
    assert sorted(facts_of(acme)) == sorted(
        (order, today(), 2, 800, "USD", True) for order in orders
    )


@pytest.mark.django_db
def test_a_rebuild_of_each_projection_gives_back_the_live_rows_exactly(shops: Shops) -> None:
    acme, globex = shops.acme, shops.globex
    paid = shops.order(acme, 2)
    payment = shops.pay(acme, paid)
    shops.refund(acme, paid, payment, "3.00", datetime.fromisoformat("2026-11-27T12:00+00:00"))
    shops.cancel(acme, shops.order(acme, 1, "pan"))
    shops.order(acme, 4, "lid")
    shops.pay(globex, shops.order(globex, 5))
    globex_rows = {p.name: live_rows(globex, p.name) for p in PROJECTIONS}

    for projection in PROJECTIONS:
        live = live_rows(acme, projection.name)

        rebuilt = bootstrap.rebuild_projection(projection.name, acme)

        assert (rebuilt.events, rebuilt.position, rebuilt.generation) == (6, 6, 2)
        assert live_rows(acme, projection.name) == live
        assert generations_in_use(acme, projection.name) == {2}
        assert state_of(acme, projection.name) == (6, 2, None)
    assert days_of(acme) == [
        (date(2026, 11, 27), "USD", 0, 0, 0, 300),
        (today(), "USD", 2, 6, 1400, 0),
    ]
    assert {p.name: live_rows(globex, p.name) for p in PROJECTIONS} == globex_rows
    assert state_of(globex, "sales") == (2, 1, None)
