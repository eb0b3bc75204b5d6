"""``manage.py rebuild_projection`` and ``rebuild_sales``: output, refusals, the rows they leave."""

from __future__ import annotations

import uuid
from datetime import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from emporium.analytics.adapters.projections import PROJECTIONS
from emporium.analytics.domain.totals import Totals
from emporium.analytics.management.commands.rebuild_sales import describe
from emporium.analytics.models import DailySales, OrderFact
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.shared_kernel.money import Money
from tests.integration.analytics.conftest import Shops, today
from tests.integration.analytics.rows import days_of, facts_of, live_rows, state_of

pytestmark = pytest.mark.django_db


def run(command: str, *args: str) -> str:
    """Run the command; return what it printed on stdout."""
    out = StringIO()
    call_command(command, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def corrupt(tenant: TenantRef) -> None:
    """Damage the live sales rows: wrong figures, a lost fact, a fact of no order."""
    with tenant_context(tenant), transaction.atomic():
        DailySales.objects.update(orders=99, units=0)
        OrderFact.objects.filter(pk=OrderFact.objects.order_by("pk").values("pk")[:1]).delete()
        OrderFact.objects.create(order_id=uuid.uuid4(), units=1, revenue_minor=1, currency="USD")


def test_the_summary_names_orders_units_and_revenue_per_currency() -> None:
    figures = Totals(3, 7, (Money(300, "EUR"), Money(2760, "USD")))

    assert describe(figures) == "orders 3, units 7, revenue 3.00 EUR + 27.60 USD"
    assert describe(Totals()) == "orders 0, units 0, revenue 0"


# Committed for real: a command runs in no transaction, and must open its own to see any row.
@pytest.mark.django_db(transaction=True)
def test_rebuild_sales_gives_back_the_delivered_rows_and_prints_the_totals(
    shops: Shops,
) -> None:
    acme, globex = shops.acme, shops.globex
    kept, pan, dropped = shops.order(acme, 2), shops.order(acme, 1, "pan"), shops.order(acme, 3)
    shops.cancel(acme, dropped)
    payment = shops.pay(acme, kept)
    shops.refund(acme, kept, payment, "1.00", datetime.fromisoformat("2026-11-30T10:00+00:00"))
    shops.order(globex, 5)
    live_days, live_facts = days_of(acme), facts_of(acme)
    globex_rows = live_rows(globex, "sales")
    corrupt(acme)

    printed = run("rebuild_sales", "--tenant", "acme")

    # 3 placed, a cancel, paid (no address: no fulfilment request), a refund: 6 events read.
    assert printed == "acme: replayed events 6; orders 2, units 3, revenue 52.90 USD\n"
    assert days_of(acme) == live_days
    assert live_days == [
        (datetime(2026, 11, 30).date(), "USD", 0, 0, 0, 100),
        (today(), "USD", 2, 3, 5390, 0),
    ]
    assert (
        facts_of(acme)
        == live_facts
        == sorted(
            [
                (kept, today(), 2, 800, "USD", False),
                (pan, today(), 1, 4590, "USD", False),
                (dropped, today(), 3, 1200, "USD", True),
            ]
        )
    )
    assert state_of(acme, "sales") == (6, 2, None)
    assert live_rows(globex, "sales") == globex_rows
    assert state_of(globex, "sales") == (1, 1, None)


@pytest.mark.django_db(transaction=True)
def test_without_a_tenant_every_active_one_is_rebuilt(shops: Shops) -> None:
    shops.order(shops.acme, 2)
    shops.order(shops.globex, 5)

    assert run("rebuild_sales") == (
        "acme: replayed events 1; orders 1, units 2, revenue 8.00 USD\n"
        "globex: replayed events 1; orders 1, units 5, revenue 5.00 USD\n"
    )
    assert run("rebuild_projection", "customer-summary") == (
        "acme: customer-summary rebuilt from 1 events up to position 1 (generation 2)\n"
        "globex: customer-summary rebuilt from 1 events up to position 1 (generation 2)\n"
    )
    assert days_of(shops.acme) == [(today(), "USD", 1, 2, 800, 0)]
    assert days_of(shops.globex) == [(today(), "USD", 1, 5, 500, 0)]


def test_rebuild_projection_prints_what_it_replayed_and_keeps_the_rows(shops: Shops) -> None:
    acme = shops.acme
    shops.pay(acme, shops.order(acme, 2))
    shops.order(acme, 1, "pan")
    before = {p.name: live_rows(acme, p.name) for p in PROJECTIONS}

    printed = {p.name: run("rebuild_projection", p.name, "--tenant", "acme") for p in PROJECTIONS}
    again = run("rebuild_projection", "product-sales", "--tenant", "acme", "--tenant", "acme")

    assert printed == {
        name: f"acme: {name} rebuilt from 3 events up to position 3 (generation 2)\n"
        for name in ("sales", "customer-summary", "product-sales", "dashboard")
    }
    assert again == "acme: product-sales rebuilt from 3 events up to position 3 (generation 3)\n"
    assert {p.name: live_rows(acme, p.name) for p in PROJECTIONS} == before
    assert state_of(shops.globex, "product-sales") == (0, 1, None)  # never touched


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("rebuild_sales", "--tenant", "acme", "--tenant", "nope", "--tenant", "gone"),
            r"^No active tenant 'nope', 'gone'\.$",
        ),
        (
            ("rebuild_projection", "sales", "--tenant", "acme", "--tenant", "nope"),
            r"^No active tenant 'nope'\.$",
        ),
        (
            ("rebuild_projection", "orders", "--tenant", "acme", "--tenant", "nope"),
            r"^no projection 'orders' \(known: customer-summary, dashboard, product-sales, "
            r"sales\)$",
        ),
    ],
)
def test_an_unknown_tenant_or_projection_is_refused_before_any_tenant_is_touched(
    acme_and_globex: tuple[TenantRef, TenantRef], args: tuple[str, ...], message: str
) -> None:
    acme, _ = acme_and_globex
    stray = uuid.uuid4()
    with tenant_context(acme), transaction.atomic():
        OrderFact.objects.create(order_id=stray, cancelled=True)

    with pytest.raises(CommandError, match=message):
        run(*args)

    assert facts_of(acme) == [(stray, None, 0, 0, "", True)]
    assert state_of(acme, "sales") == (0, 1, None)


def test_with_no_active_tenant_there_is_nothing_to_rebuild() -> None:
    assert run("rebuild_projection", "sales") == "No active tenants.\n"
    assert run("rebuild_sales") == "No active tenants.\n"
