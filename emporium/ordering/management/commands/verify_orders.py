"""``manage.py verify_orders``: check every order's snapshot row against its event stream."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress

from emporium.multitenancy.context import TenantRef
from emporium.ordering import bootstrap
from emporium.ordering.adapters.verification import Verification
from emporium.tenancy.public import active_tenant, active_tenants


class Command(BaseCommand):
    help = (
        "Fold every order from its event stream and compare it with its snapshot row, per "
        "tenant; print each difference as 'field: stream != snapshot' and fail if any."
    )

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
        differ = 0
        for tenant in tenants:
            verified = self._verify(tenant, shown=options["verbosity"] >= 1)
            for difference in verified.differences:
                fields = "; ".join(difference.fields)
                self.stdout.write(f"{tenant.slug}: order {difference.order_id} differs: {fields}")
            self.stdout.write(
                f"{tenant.slug}: {verified.orders} orders verified, "
                f"{len(verified.differences)} differ"
            )
            differ += len(verified.differences)
        if differ:
            raise CommandError(f"{differ} order(s) differ from their event streams.")

    def _verify(self, tenant: TenantRef, *, shown: bool) -> Verification:
        # On stderr, so that stdout carries only the differences and summaries.
        console = Console(stderr=True)
        with Progress(console=console, transient=True, disable=not shown) as progress:
            bar = progress.add_task(f"{tenant.slug} orders", total=None)

            def advance(done: int, total: int) -> None:
                progress.update(bar, completed=done, total=total)

            return bootstrap.verify_orders(tenant, progress=advance)

    def _tenants(self, slugs: list[str] | None) -> list[TenantRef]:
        if not slugs:
            return active_tenants()
        found = {slug: active_tenant(slug) for slug in dict.fromkeys(slugs)}
        unknown = [slug for slug, tenant in found.items() if tenant is None]
        if unknown:
            raise CommandError(f"No active tenant {', '.join(map(repr, unknown))}.")
        return [tenant for tenant in found.values() if tenant is not None]
