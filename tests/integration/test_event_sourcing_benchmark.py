"""A small run of ``benchmarks/event_sourcing.py``: its data is true and its checks can fail.

The benchmark's figures come from 100,000 events (``make bench-event-sourcing``); here 2,000
show that what it loads is what the use cases would have stored (``verify_orders`` finds no
difference and finds the planted one), and that every rebuild, beside orders being placed,
equals a fresh replay.
"""

from __future__ import annotations

from types import ModuleType

import pytest
from django.db import transaction

from emporium.analytics.adapters.store import SALES, DjangoSalesStore
from emporium.analytics.domain.totals import totals
from emporium.infrastructure.projections import runner
from emporium.multitenancy.context import tenant_context
from tests.benchmark_support import load_benchmark

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
]

EVENTS = 2_000


def benchmark() -> ModuleType:
    return load_benchmark("event_sourcing")


def test_a_small_history_rebuilds_equal_to_a_replay_and_verifies_clean() -> None:
    bench = benchmark()
    tenant, history = bench.load("bench-ci", EVENTS)
    try:
        assert len(history.events) in range(EVENTS, EVENTS + 8)
        entries = runner.projection_registry().all()
        idle = [bench.rebuild(tenant, entry) for entry in entries]
        assert [run.events for run in idle] == [len(history.events)] * len(entries)
        with tenant_context(tenant), transaction.atomic():  # RLS shows rows inside one
            sales = totals(DjangoSalesStore().all_days())
        # Orders left confirmed or paid count; cancelled ones do not.
        counted = [o for o in history.orders if o.cancel_reason == ""]
        assert sales.orders == len(counted)

        product = bench.a_product(tenant, stock=10_000)
        busy = [bench.rebuild_beside_orders(tenant, entry, product) for entry in entries]
        assert [run.equal for run in busy] == [True] * len(entries)

        verified, _ = bench.verify(tenant)
        placed_meanwhile = sum(run.placed_meanwhile for run in busy)
        assert (verified.orders, verified.differences) == (
            len(history.orders) + placed_meanwhile,
            [],
        )
        planted = bench.plant_difference(tenant, history)
        found, _ = bench.verify(tenant)
        assert [(d.order_id, d.fields) for d in found.differences] == [
            (planted, ("status: 'fulfilled' != 'paid'",))
        ]
    finally:
        bench.remove("bench-ci")
    assert SALES in {entry.name for entry in runner.projection_registry().all()}
