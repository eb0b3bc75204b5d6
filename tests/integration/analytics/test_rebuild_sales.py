"""``manage.py rebuild_sales``: the order history replayed into the read model, beside delivery."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from emporium.analytics import bootstrap
from emporium.analytics.application.consumers import Rebuilt
from emporium.analytics.domain.totals import Totals
from emporium.analytics.models import DailySales, OrderFact
from emporium.infrastructure.messaging.inbox import consume_once
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap as ordering
from emporium.ordering.application.use_cases import CancelOrder
from emporium.ordering.domain.order import CancelReason
from emporium.shared_kernel.money import Money
from tests.integration.analytics.conftest import Shops
from tests.integration.analytics.rows import days_of, facts_of
from tests.unit.analytics.events import placed

CONSUMER = "sales-read-model"


def rebuild(*args: str) -> str:
    """Run the command; return what it printed on stdout."""
    out = StringIO()
    call_command("rebuild_sales", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def corrupt(tenant: TenantRef) -> None:
    """Damage every kind of row: wrong figures, a lost fact, a fact of no order."""
    with tenant_context(tenant), transaction.atomic():
        DailySales.objects.update(orders=99, units=0)
        OrderFact.objects.filter(pk=OrderFact.objects.order_by("pk").values("pk")[:1]).delete()
        OrderFact.objects.create(order_id=uuid.uuid4(), units=1, revenue_minor=1, currency="USD")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rebuild_from_the_order_history_gives_back_the_delivered_rows_exactly(
    shops: Shops,
) -> None:
    acme, globex = shops.acme, shops.globex
    today = timezone.now().date()
    kept, pan, dropped = shops.order(acme, 2), shops.order(acme, 1, "pan"), shops.order(acme, 3)
    with tenant_context(acme):
        ordering.cancel_order(CancelOrder(dropped, CancelReason.CUSTOMER))
    shops.order(globex, 5)
    live_days, live_facts = days_of(acme), facts_of(acme)
    globex_days, globex_facts = days_of(globex), facts_of(globex)
    corrupt(acme)

    printed = rebuild("--tenant", "acme")

    assert printed == "acme: replayed events 4; orders 2, units 3, revenue 53.90 USD\n"
    assert days_of(acme) == live_days == [(today, "USD", 2, 3, 5390)]
    assert facts_of(acme) == live_facts
    assert sorted(live_facts) == sorted(
        [
            (kept, today, 2, 800, "USD", False),
            (pan, today, 1, 4590, "USD", False),
            (dropped, today, 3, 1200, "USD", True),
        ]
    )
    assert (days_of(globex), facts_of(globex)) == (globex_days, globex_facts)
    assert globex_days == [(today, "USD", 1, 5, 500)]


@pytest.mark.django_db(transaction=True)
def test_without_a_tenant_every_active_one_is_rebuilt(shops: Shops) -> None:
    today = timezone.now().date()
    shops.order(shops.acme, 2)
    shops.order(shops.globex, 5)
    for tenant in (shops.acme, shops.globex):
        with tenant_context(tenant), transaction.atomic():
            DailySales.objects.all().delete()
            OrderFact.objects.all().delete()

    printed = rebuild()

    assert printed == (
        "acme: replayed events 1; orders 1, units 2, revenue 8.00 USD\n"
        "globex: replayed events 1; orders 1, units 5, revenue 5.00 USD\n"
    )
    assert days_of(shops.acme) == [(today, "USD", 1, 2, 800)]
    assert days_of(shops.globex) == [(today, "USD", 1, 5, 500)]


@pytest.mark.django_db
def test_an_unknown_tenant_is_refused_before_any_tenant_is_rebuilt(
    acme_and_globex: tuple[TenantRef, TenantRef],
) -> None:
    acme, _ = acme_and_globex
    stray = uuid.uuid4()
    with tenant_context(acme), transaction.atomic():
        OrderFact.objects.create(order_id=stray, cancelled=True)

    with pytest.raises(CommandError, match=r"^No active tenant 'nope', 'gone'\.$"):
        rebuild("--tenant", "acme", "--tenant", "nope", "--tenant", "gone")

    assert facts_of(acme) == [(stray, None, 0, 0, "", True)]


def waiting_for_advisory_lock() -> bool:
    """Return whether a session of this database waits for an advisory lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        )
        (count,) = cursor.fetchone()
    return bool(count)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_delivery_during_a_rebuild_waits_and_every_order_counts_once(
    shops: Shops, settings: Any
) -> None:
    acme = shops.acme
    today = timezone.now().date()
    shops.order(acme, 2)  # delivered before the rebuild
    settings.CELERY_BROKER_URL = "amqp://held.invalid//"  # committed, its delivery still to come
    pending = shops.order(acme, 1, "pan")
    settings.CELERY_BROKER_URL = ""
    in_history = OutboxMessage.objects.get(
        type="ordering.order_placed", aggregate_id=str(pending)
    ).to_envelope()
    missed = placed(str(uuid.uuid4()), "21.60", 2)  # committed after the rebuild read its history
    holding, go = threading.Event(), threading.Event()
    finished: dict[str, float] = {}
    outcome: dict[str, Any] = {}
    errors: list[BaseException] = []

    def hold(done: int, total: int) -> None:
        if done == 0:  # called under the lock, before the history is read
            holding.set()
            if not go.wait(timeout=20):
                raise AssertionError("no delivery waited for the rebuild")

    def rebuild_sales() -> None:
        try:
            outcome["rebuilt"] = bootstrap.replay_sales(acme, progress=hold)
            finished["rebuild"] = time.monotonic()
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            connections.close_all()

    def deliver() -> None:
        try:
            outcome["ran"] = [
                consume_once(CONSUMER, envelope, bootstrap.record_sale)
                for envelope in (in_history, missed)
            ]
            finished["delivery"] = time.monotonic()
        except BaseException as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            connections.close_all()

    rebuilding = threading.Thread(target=rebuild_sales)
    rebuilding.start()
    assert holding.wait(timeout=20)
    delivering = threading.Thread(target=deliver)
    delivering.start()
    deadline = time.monotonic() + 20
    while not waiting_for_advisory_lock() and time.monotonic() < deadline:
        time.sleep(0.02)
    seen_waiting = waiting_for_advisory_lock()
    go.set()
    rebuilding.join(timeout=30)
    delivering.join(timeout=30)

    assert errors == []
    assert seen_waiting
    assert finished["delivery"] > finished["rebuild"]
    assert outcome == {
        "rebuilt": Rebuilt(2, Totals(2, 3, (Money(5390, "USD"),))),
        "ran": [True, True],
    }
    assert days_of(acme) == [(date(2026, 11, 25), "USD", 1, 2, 2160), (today, "USD", 2, 3, 5390)]
