"""``manage.py rebuild_sales``: ``rebuild_projection sales``, with the sales totals printed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from emporium.analytics.adapters.store import SALES, DjangoSalesStore
from emporium.analytics.domain.totals import Totals, totals
from emporium.analytics.management.commands.rebuild_projection import (
    chosen_tenants,
    rebuild_with_progress,
)
from emporium.multitenancy.context import tenant_context


def describe(figures: Totals) -> str:
    """Return the totals as the command prints them."""
    revenue = " + ".join(f"{money} {money.currency}" for money in figures.revenue) or "0"
    return f"orders {figures.orders}, units {figures.units}, revenue {revenue}"


class Command(BaseCommand):
    help = "Rebuild the sales projection from the stored order events, per tenant."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tenant",
            action="append",
            dest="tenants",
            metavar="SLUG",
            help="Slug of an active tenant, repeatable; every active one if omitted.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = chosen_tenants(options["tenants"])
        if not tenants:
            self.stdout.write("No active tenants.")
        for tenant in tenants:
            rebuilt = rebuild_with_progress(SALES, tenant, shown=options["verbosity"] >= 1)
            with tenant_context(tenant):
                figures = totals(DjangoSalesStore().all_days())
            self.stdout.write(
                f"{tenant.slug}: replayed events {rebuilt.events}; {describe(figures)}"
            )
