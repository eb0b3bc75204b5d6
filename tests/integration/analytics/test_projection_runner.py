"""The projection runner on PostgreSQL: batches with their position, turns, rebuilds, commit order.

The projections here are analytics' own, wrapped to record or to fail; the events come from
ordering's use cases, so positions come from the real stream head.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from django.db import connection, connections, transaction

from emporium.analytics.adapters.projections import SALES_PROJECTION, StoreProjection
from emporium.analytics.adapters.store import DjangoSalesStore
from emporium.analytics.application import projections as folds
from emporium.infrastructure.projections import runner
from emporium.infrastructure.projections.ports import PositionedEvent, Projection
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering.models import OrderEvent
from emporium.ordering.public import order_event_source
from tests.integration.analytics.conftest import HeldDelivery, Shops, today
from tests.integration.analytics.rows import (
    days_of,
    facts_of,
    generation_rows,
    generations_in_use,
    live_rows,
    state_of,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SALES = SALES_PROJECTION.name
#: Generations of the copy kept only by the live runner, far from the sales projection's own.
COPY = 1000


@dataclass
class Recording:
    """A projection that applies through ``inner`` and remembers what it applied, in order."""

    inner: Projection
    fail_on_call: int | None = None
    applied: list[tuple[int, str]] = field(default_factory=list)  # (position, order id)
    calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def event_types(self) -> frozenset[str]:
        return self.inner.event_types

    def apply(self, events: Sequence[PositionedEvent], generation: int) -> None:
        with self.lock:
            self.calls += 1
            call = self.calls
        self.inner.apply(events, generation)
        if call == self.fail_on_call:
            raise RuntimeError(f"apply failed on call {call}, after writing its rows")
        with self.lock:
            self.applied += [(e.position, e.envelope.aggregate_id) for e in events]

    def drop(self, generation: int) -> None:
        self.inner.drop(generation)


def entry_of(projection: Projection) -> runner.Registered:
    return runner.Registered(projection, order_event_source())


def head_of(tenant: TenantRef) -> int:
    with tenant_context(tenant), transaction.atomic():
        return order_event_source().head()


def positions_of(tenant: TenantRef) -> list[int]:
    with tenant_context(tenant), transaction.atomic():
        return list(OrderEvent.objects.order_by("position").values_list("position", flat=True))


class Worker(threading.Thread):
    """A thread that runs ``work`` and keeps what it returned or raised, and its connection."""

    def __init__(self, work: Any) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            self.error = error
        finally:
            connections.close_all()

    def outcome(self) -> Any:
        self.join(timeout=30)
        assert not self.is_alive(), "the thread did not finish"
        if self.error is not None:
            raise self.error
        return self.result


def test_a_batch_and_its_position_are_one_transaction(shops: Shops, held: HeldDelivery) -> None:
    acme = shops.acme
    first, second, third = (shops.order(acme, n) for n in (1, 2, 3))
    failing = Recording(SALES_PROJECTION, fail_on_call=2)

    with tenant_context(acme), pytest.raises(RuntimeError, match="apply failed on call 2"):
        runner.catch_up(entry_of(failing), batch=2)

    # The first batch stands with its position; of the second, which wrote before it failed,
    # nothing is left.
    assert state_of(acme, SALES) == (2, 1, None)
    assert days_of(acme) == [(today(), "USD", 2, 3, 1200, 0)]
    assert [fact[0] for fact in facts_of(acme)] == sorted([first, second])
    with tenant_context(acme):
        assert runner.catch_up(entry_of(SALES_PROJECTION), batch=2) == 1
    assert state_of(acme, SALES) == (3, 1, None)
    assert days_of(acme) == [(today(), "USD", 3, 6, 2400, 0)]
    assert third in [fact[0] for fact in facts_of(acme)]


def test_two_runners_of_one_tenant_at_once_apply_every_event_exactly_once(
    shops: Shops, held: HeldDelivery
) -> None:
    acme, count = shops.acme, 6
    orders = [shops.order(acme, n + 1) for n in range(count)]
    recording = Recording(SALES_PROJECTION)
    entry = entry_of(recording)
    start = threading.Barrier(2)

    def catch_up() -> int:
        start.wait(timeout=10)
        with tenant_context(acme):
            return runner.catch_up(entry, batch=1)

    runners = [Worker(catch_up) for _ in range(2)]
    for worker in runners:
        worker.start()
    read = [worker.outcome() for worker in runners]

    assert sum(read) == count
    assert recording.applied == [(n + 1, str(order)) for n, order in enumerate(orders)]
    assert state_of(acme, SALES) == (count, 1, None)
    assert days_of(acme) == [(today(), "USD", count, 21, 8400, 0)]


@pytest.fixture
def live_copy(monkeypatch: pytest.MonkeyPatch) -> runner.Registered:
    """Register a copy of the sales projection that only the live runner ever keeps."""
    copy = StoreProjection(
        "sales-live-copy",
        folds.SALES_EVENTS,
        folds.apply_sales,
        lambda generation: DjangoSalesStore(COPY + generation),
    )
    registry = runner.projection_registry()
    # Restored after the test: the registry is the process's.
    monkeypatch.setattr(registry, "_by_name", dict(registry._by_name))
    return registry.register(copy, order_event_source())


def test_a_rebuild_beside_the_live_runner_and_new_orders_gives_the_rows_of_a_fresh_rebuild(
    shops: Shops, live_copy: runner.Registered
) -> None:
    acme = shops.acme
    shops.cancel(acme, shops.order(acme, 1))
    shops.pay(acme, shops.order(acme, 2, "pan"))
    before = head_of(acme)
    go, two_placed, swapped = threading.Event(), threading.Event(), threading.Event()
    progress: list[tuple[int, int]] = []

    def place_orders() -> list[UUID]:
        assert go.wait(timeout=20)
        placed = [shops.order(acme, 1), shops.order(acme, 2, "lid")]
        two_placed.set()
        placed += [shops.order(acme, 3), shops.order(acme, 4, "lid")]  # while it replays
        assert swapped.wait(timeout=20)
        placed += [shops.order(acme, 5), shops.order(acme, 6, "lid")]  # after the swap
        return placed

    def hold_on_first_batch(position: int, head: int) -> None:
        progress.append((position, head))
        if len(progress) == 1:  # the replay has begun: let orders come in
            go.set()
            assert two_placed.wait(timeout=20)

    placer = Worker(place_orders)
    placer.start()
    with tenant_context(acme):
        rebuilt = runner.rebuild(
            runner.projection_registry().get(SALES), batch=1, progress=hold_on_first_batch
        )
    swapped.set()
    placer.outcome()

    head = head_of(acme)
    assert head == before + 6
    assert rebuilt.generation == 2
    assert before + 2 <= rebuilt.position <= head  # the two it waited for, and maybe more
    assert progress[0] == (0, before)
    assert state_of(acme, SALES) == (head, 2, None)
    assert {g for g in generations_in_use(acme, SALES) if g < COPY} == {2}  # generation 1 gone
    live = live_rows(acme, SALES)
    # 1 + 3 + 5 mugs of 4.00, 2 + 4 + 6 lids of 1.50 and two pans of 45.90; a mug cancelled.
    assert days_of(acme) == [(today(), "USD", 7, 23, 14580, 0)]
    assert live == generation_rows(acme, SALES, COPY + state_of(acme, live_copy.name)[1])
    assert state_of(acme, live_copy.name)[0] == head
    with tenant_context(acme):
        again = runner.rebuild(runner.projection_registry().get(SALES))
    assert (again.events, again.position, again.generation) == (head, head, 3)
    assert live_rows(acme, SALES) == live
    assert {g for g in generations_in_use(acme, SALES) if g < COPY} == {3}


def test_a_rebuild_overtaken_by_a_later_one_stands_down_and_leaves_no_rows(
    shops: Shops,
) -> None:
    acme = shops.acme
    shops.order(acme, 2)
    shops.cancel(acme, shops.order(acme, 1, "pan"))
    live = live_rows(acme, SALES)
    entry = runner.projection_registry().get(SALES)
    later: list[runner.Rebuilt] = []

    def start_a_later_rebuild(position: int, head: int) -> None:
        if not later:  # the first rebuild has its generation and is about to replay
            assert state_of(acme, SALES) == (3, 1, 2)
            later.append(runner.rebuild(entry))

    with tenant_context(acme), pytest.raises(runner.RebuildSuperseded):
        runner.rebuild(entry, batch=1, progress=start_a_later_rebuild)

    assert later == [runner.Rebuilt(SALES, 3, 3, 3)]
    assert state_of(acme, SALES) == (3, 3, None)
    assert live_rows(acme, SALES) == live
    assert generations_in_use(acme, SALES) == {3}


def test_a_rebuild_that_died_leaves_the_live_rows_and_the_next_one_drops_its_rows(
    shops: Shops,
) -> None:
    acme = shops.acme
    shops.order(acme, 2)
    shops.order(acme, 3, "lid")
    live = live_rows(acme, SALES)
    entry = runner.projection_registry().get(SALES)

    def die_after_a_batch(position: int, head: int) -> None:
        if position == 1:
            raise KeyboardInterrupt

    with tenant_context(acme), pytest.raises(KeyboardInterrupt):
        runner.rebuild(entry, batch=1, progress=die_after_a_batch)

    assert state_of(acme, SALES) == (2, 1, 2)
    assert generations_in_use(acme, SALES) == {1, 2}
    assert live_rows(acme, SALES) == live  # reads still see generation 1
    shops.order(acme, 1)  # the live runner goes on meanwhile
    with tenant_context(acme):
        rebuilt = runner.rebuild(entry)
    assert (rebuilt.events, rebuilt.generation) == (3, 3)
    assert state_of(acme, SALES) == (3, 3, None)
    assert generations_in_use(acme, SALES) == {3}
    assert days_of(acme) == [(today(), "USD", 3, 6, 1650, 0)]


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return int(pid)


def waiting_on(pid: int) -> tuple[str | None, str, list[int]]:
    """Return what backend ``pid`` waits for, its statement and the backends it waits on."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wait_event_type, query, pg_blocking_pids(pid) FROM pg_stat_activity "
            "WHERE pid = %s",
            [pid],
        )
        row = cursor.fetchone()
    return (row[0], row[1], list(row[2])) if row else (None, "", [])


def test_a_later_writer_waits_for_the_stream_head_so_events_show_in_position_order(
    shops: Shops, held: HeldDelivery
) -> None:
    acme = shops.acme
    first = shops.order(acme, 1)
    recording = Recording(SALES_PROJECTION)
    entry = entry_of(recording)
    with tenant_context(acme):
        assert runner.catch_up(entry) == 1
    pids: dict[str, int] = {}
    a_appended, a_may_commit = threading.Event(), threading.Event()
    b_began, b_appended, b_may_commit = threading.Event(), threading.Event(), threading.Event()

    def writer_a() -> UUID:
        with tenant_context(acme), transaction.atomic():
            pids["a"] = backend_pid()
            order = shops.order(acme, 2)  # appended: A holds the stream head until it commits
            a_appended.set()
            assert a_may_commit.wait(timeout=20)
        return order

    def writer_b() -> UUID:
        with tenant_context(acme), transaction.atomic():
            pids["b"] = backend_pid()
            b_began.set()
            order = shops.order(acme, 1, "pan")  # another product: only the head is shared
            b_appended.set()
            assert b_may_commit.wait(timeout=20)
        return order

    a = Worker(writer_a)
    a.start()
    assert a_appended.wait(timeout=20)
    b = Worker(writer_b)
    b.start()
    assert b_began.wait(timeout=20)
    deadline = time.monotonic() + 20
    while waiting_on(pids["b"])[0] != "Lock" and time.monotonic() < deadline:
        time.sleep(0.01)
    waits_for, statement, blockers = waiting_on(pids["b"])

    # B waits on the head row that A's open transaction holds, in the append's upsert.
    assert (waits_for, blockers) == ("Lock", [pids["a"]])
    assert "ordering_orderstreamhead" in statement
    assert not b_appended.is_set()
    # Meanwhile a runner sees neither writer's events.
    with tenant_context(acme):
        assert runner.catch_up(entry) == 0
    assert head_of(acme) == 1
    assert state_of(acme, SALES) == (1, 1, None)

    a_may_commit.set()
    a_order = a.outcome()
    assert b_appended.wait(timeout=20)  # let through by A's commit
    b_may_commit.set()
    b_order = b.outcome()

    with tenant_context(acme):
        assert runner.catch_up(entry) == 2
    assert recording.applied == [(1, str(first)), (2, str(a_order)), (3, str(b_order))]
    assert positions_of(acme) == [1, 2, 3]
    assert state_of(acme, SALES) == (3, 1, None)
    assert days_of(acme) == [(today(), "USD", 3, 4, 5790, 0)]
