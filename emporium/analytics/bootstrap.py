"""Wire the analytics use cases to their adapters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.db import transaction
from django.utils import timezone

from emporium.analytics.adapters.store import DjangoSalesStore
from emporium.analytics.application import consumers, reports
from emporium.analytics.domain.report import SalesReport
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering.public import order_history, order_history_size
from emporium.shared_kernel.events import EventEnvelope
from emporium.tenancy.public import shop_currency


def record_sale(envelope: EventEnvelope) -> None:
    """Consume one ordering event (``consume_once`` supplies the tenant and the transaction)."""
    consumers.record_sale(envelope, store=DjangoSalesStore())


def rebuild_sales(
    tenant: TenantRef, history: Callable[[], Iterable[EventEnvelope]]
) -> consumers.Rebuilt:
    """Rebuild ``tenant``'s read model from ``history()``, oldest first, in one transaction.

    Safe while the ``sales-read-model`` consumer runs: on PostgreSQL the rebuild holds the
    tenant's advisory lock, deliveries wait for it, and ``history`` is read under the lock.
    """
    with tenant_context(tenant), transaction.atomic():
        return consumers.rebuild(history, store=DjangoSalesStore())


#: Called with the events replayed so far and how many there are.
Progress = Callable[[int, int], None]


def replay_sales(tenant: TenantRef, progress: Progress | None = None) -> consumers.Rebuilt:
    """Rebuild ``tenant``'s read model from ordering's stored order events."""

    def history() -> Iterator[EventEnvelope]:
        # Counted under the rebuild's lock too; an event committed between the count and the
        # read only makes the progress end past its total.
        total = order_history_size(consumers.EVENT_TYPES)
        if progress:
            progress(0, total)
        for done, envelope in enumerate(order_history(consumers.EVENT_TYPES), start=1):
            yield envelope
            if progress:
                progress(done, total)

    return rebuild_sales(tenant, history)


def sales_report(start: str | None, end: str | None) -> SalesReport:
    """Return the current tenant's sales report in the shop's currency."""
    today = timezone.now().date()  # aware UTC: the read model's days are UTC days
    return reports.report_sales(
        start, end, today=today, currency=shop_currency(), store=DjangoSalesStore()
    )
