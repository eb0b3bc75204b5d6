"""``manage.py rebuild_sales``: ``rebuild_projection sales``, with the sales totals printed."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from emporium.analytics.adapters.store import SALES, DjangoSalesStore
from emporium.analytics.domain.totals import Totals, totals
from emporium.analytics.management.commands.rebuild_projection import rebuild_with_progress
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.tenancy.public import EachTenantCommand


def describe(figures: Totals) -> str:
    """Return the totals as the command prints them."""
    revenue = " + ".join(f"{money} {money.currency}" for money in figures.revenue) or "0"
    return f"orders {figures.orders}, units {figures.units}, revenue {revenue}"


class Command(EachTenantCommand):
    help = "Rebuild the sales projection from the stored order events, per tenant."

    def handle_tenants(self, chosen: list[TenantRef], **options: Any) -> None:
        for tenant in chosen:
            rebuilt = rebuild_with_progress(SALES, tenant, shown=options["verbosity"] >= 1)
            # In a transaction: outside one, row-level security shows no row of the tenant.
            with tenant_context(tenant), transaction.atomic():
                figures = totals(DjangoSalesStore().all_days())
            self.stdout.write(
                f"{tenant.slug}: replayed events {rebuilt.events}; {describe(figures)}"
            )
