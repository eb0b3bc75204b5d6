"""Wire the analytics projections and queries to their adapters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from emporium.analytics.adapters import dashboard_queries
from emporium.analytics.adapters.dashboard_store import DASHBOARD
from emporium.analytics.adapters.projections import PROJECTIONS
from emporium.analytics.adapters.store import (
    CUSTOMER_SUMMARY,
    PRODUCT_SALES,
    DjangoCustomerSummaryStore,
    DjangoSalesStore,
)
from emporium.analytics.application import dashboard as dashboards
from emporium.analytics.application import reports
from emporium.analytics.domain.customers import CustomerSummary
from emporium.analytics.domain.dashboard import Activity, LocalPeriod, PeriodFigures, ProductRank
from emporium.analytics.domain.report import SalesReport
from emporium.infrastructure.db.planner import without_parallel_workers
from emporium.infrastructure.http.fields import timestamp
from emporium.infrastructure.messaging.inbox import consumer_registry
from emporium.infrastructure.projections import runner
from emporium.inventory.public import products_out_of_stock
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering.public import order_event_source
from emporium.shared_kernel.events import EventEnvelope
from emporium.shared_kernel.money import Money
from emporium.tenancy.public import (
    active_tenants,
    shop_currency,
    shop_currency_and_time_zone,
)

#: The consumer that keeps every projection current from the event store.
CONSUMER = "projections"


def register_projections() -> None:
    """Register analytics' projections and the consumer that runs them after each event."""
    registry = runner.projection_registry()
    for projection in PROJECTIONS:
        registry.register(projection, order_event_source())
    consumers = consumer_registry()
    for event_type in sorted(registry.event_types()):
        consumers.register(CONSUMER, event_type, consume)


def consume(envelope: EventEnvelope) -> None:
    """Catch up on an event's news (``consume_once`` supplies the tenant and the transaction).

    The envelope only says that something happened: what to apply is read from the event
    store by position, so a lost, repeated or late message changes nothing.
    """
    catch_up()


def catch_up() -> int:
    """Bring the current tenant's projections up to its last event; return events read."""
    return runner.catch_up_all()


def catch_up_every_tenant() -> int:
    """Bring every active tenant's projections up to date (the periodic safety net)."""
    total = 0
    for tenant in active_tenants():
        with tenant_context(tenant):
            total += catch_up()
    return total


def rebuild_projection(
    name: str, tenant: TenantRef, progress: runner.Progress | None = None
) -> runner.Rebuilt:
    """Replay ``tenant``'s events into fresh rows of projection ``name`` and swap them in."""
    entry = runner.projection_registry().get(name)
    with tenant_context(tenant):
        return runner.rebuild(entry, progress=progress)


def sales_report(start: str | None, end: str | None) -> SalesReport:
    """Return the current tenant's sales report in the shop's currency."""
    today = timezone.now().date()  # aware UTC: the read model's days are UTC days
    return reports.report_sales(
        start, end, today=today, currency=shop_currency(), store=DjangoSalesStore()
    )


@dataclass(frozen=True)
class SummaryRead:
    """A customer's summary, and whether it may miss the latest events (the wait ran out)."""

    summary: CustomerSummary
    lagging: bool


def customer_summary(customer_id: str) -> SummaryRead:
    """Return the customer's summary once it has every event committed before this read.

    Waits up to ``EMPORIUM_PROJECTION_WAIT_SECONDS``; past that it answers what it has.
    """
    head = order_event_source().head()
    caught_up = runner.wait_for(CUSTOMER_SUMMARY, head, settings.EMPORIUM_PROJECTION_WAIT_SECONDS)
    return SummaryRead(DjangoCustomerSummaryStore().summary(customer_id), not caught_up)


#: What an order event is called in the dashboard's activity feed, and where its amount is.
ACTIVITY = {
    "ordering.order_placed": ("placed", "total"),
    "ordering.order_paid": ("paid", "total"),
    "ordering.order_refunded": ("refunded", "amount"),
    "ordering.order_cancelled": ("cancelled", "total"),
}


class DjangoDashboardReads:
    """Implement ``DashboardReads`` on the projections, inventory and the order event store."""

    def period_figures(
        self, period: LocalPeriod, shop_currency: str
    ) -> tuple[PeriodFigures, PeriodFigures]:
        return dashboard_queries.period_figures(period, shop_currency)

    def top_products(
        self, periods: Sequence[LocalPeriod], *, by: str, limit: int
    ) -> list[list[ProductRank]]:
        return dashboard_queries.top_products(periods, by=by, limit=limit)

    def status_counts(self) -> dict[str, int]:
        return dashboard_queries.status_counts()

    def out_of_stock(self) -> int:
        return products_out_of_stock()

    def activity(self, limit: int) -> Sequence[Activity]:
        latest = order_event_source().latest(sorted(ACTIVITY), limit)
        found = []
        for envelope in latest:
            kind, field = ACTIVITY[envelope.type]
            amount = Money.from_dict(envelope.payload[field])
            found.append(
                Activity(
                    kind, envelope.aggregate_id, envelope.occurred_at, amount.minor, amount.currency
                )
            )
        return found


@dataclass(frozen=True)
class DashboardRead:
    """A dashboard, and whether it may miss the latest events (the wait ran out)."""

    document: dict[str, Any]
    lagging: bool


def dashboard_read(start: str | None, end: str | None, rank_by: str | None = None) -> DashboardRead:
    """Return the current tenant's dashboard as the API shows it, once the dashboard and
    product-sales projections have every event committed before this read (waiting up to
    EMPORIUM_PROJECTION_WAIT_SECONDS in all; past that, what they have, marked lagging).

    Reads in a transaction of its own (on PostgreSQL, RLS shows a tenant's rows only inside
    one), whatever the caller holds.
    """
    with transaction.atomic():
        # A dashboard reads a few thousand rollup rows a statement: serial plans are faster
        # (ADR 0020 has the figures).
        without_parallel_workers()
        head = order_event_source().head()
        wait = settings.EMPORIUM_PROJECTION_WAIT_SECONDS
        caught_up, live = runner.wait_for_all((DASHBOARD, PRODUCT_SALES), head, wait)
        generations: dict[str, int] | None = live
        currency, zone = shop_currency_and_time_zone()
        for _ in range(3):
            with dashboard_queries.pinned(generations) as still_live:
                document = dashboards.dashboard(
                    start,
                    end,
                    today=datetime.now(ZoneInfo(zone)).date(),
                    time_zone=zone,
                    shop_currency=currency,
                    reads=DjangoDashboardReads(),
                    instant=timestamp,
                    rank_by=rank_by,
                )
                if still_live():
                    break
            # A rebuild swapped a generation while we read: read the new one.
            generations = None
    return DashboardRead(document, not caught_up)


def dashboard(start: str | None, end: str | None, rank_by: str | None = None) -> dict[str, Any]:
    """Return the current tenant's dashboard as the API shows it (see ``dashboard_read``)."""
    return dashboard_read(start, end, rank_by).document
