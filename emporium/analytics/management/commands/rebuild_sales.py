"""``manage.py rebuild_sales``: replay ordering's stored events into the sales read model."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress

from emporium.analytics import bootstrap
from emporium.analytics.application.consumers import Rebuilt
from emporium.analytics.domain.totals import Totals
from emporium.multitenancy.context import TenantRef
from emporium.tenancy.public import active_tenant, active_tenants


def describe(totals: Totals) -> str:
    """Return the totals as the command prints them."""
    revenue = " + ".join(f"{money} {money.currency}" for money in totals.revenue) or "0"
    return f"orders {totals.orders}, units {totals.units}, revenue {revenue}"


class Command(BaseCommand):
    help = "Rebuild the sales read model from the stored order events, per tenant."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tenant",
            action="append",
            dest="tenants",
            metavar="SLUG",
            help="Slug of an active tenant, repeatable; every active one if omitted.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = self._tenants(options["tenants"])  # refuse before touching any tenant
        if not tenants:
            self.stdout.write("No active tenants.")
        for tenant in tenants:
            rebuilt = self._rebuild(tenant, shown=options["verbosity"] >= 1)
            self.stdout.write(
                f"{tenant.slug}: replayed events {rebuilt.events}; {describe(rebuilt.totals)}"
            )

    def _rebuild(self, tenant: TenantRef, *, shown: bool) -> Rebuilt:
        # On stderr, so that stdout carries only the summaries a script may read.
        console = Console(stderr=True)
        with Progress(console=console, transient=True, disable=not shown) as progress:
            bar = progress.add_task(f"{tenant.slug} events", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(bar, completed=done, total=total)

            return bootstrap.replay_sales(tenant, progress=advance)

    def _tenants(self, slugs: list[str] | None) -> list[TenantRef]:
        if not slugs:
            return active_tenants()
        found = {slug: active_tenant(slug) for slug in dict.fromkeys(slugs)}
        unknown = [slug for slug, tenant in found.items() if tenant is None]
        if unknown:
            raise CommandError(f"No active tenant {', '.join(map(repr, unknown))}.")
        return [tenant for tenant in found.values() if tenant is not None]
