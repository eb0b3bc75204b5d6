"""Wire the analytics use cases to their adapters."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from emporium.analytics.application import consumers, reports
from emporium.analytics.domain.report import SalesReport
from emporium.analytics.store import DjangoSalesStore
from emporium.shared_kernel.events import EventEnvelope
from emporium.tenancy.public import TenantRef, shop_currency, tenant_context


def record_sale(envelope: EventEnvelope) -> None:
    """Consume one ordering event (``consume_once`` supplies the tenant and the transaction)."""
    consumers.record_sale(envelope, store=DjangoSalesStore())


def rebuild_sales(tenant: TenantRef, envelopes: Iterable[EventEnvelope]) -> int:
    """Rebuild ``tenant``'s read model from its ordering events, oldest first, in one transaction.

    Run it while the ``sales-read-model`` consumer is stopped: an event committed by the
    consumer during the rebuild is in neither the replayed events nor the rebuilt rows.
    """
    with tenant_context(tenant), transaction.atomic():
        return consumers.rebuild(envelopes, store=DjangoSalesStore())


def sales_report(start: str | None, end: str | None) -> SalesReport:
    """Return the current tenant's sales report in the shop's currency."""
    today = timezone.now().date()  # aware UTC: the read model's days are UTC days
    return reports.report_sales(
        start, end, today=today, currency=shop_currency(), store=DjangoSalesStore()
    )
