"""``manage.py verify_orders``: check every order's snapshot row against its event stream."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from rich.console import Console
from rich.progress import Progress

from emporium.multitenancy.context import TenantRef
from emporium.ordering import bootstrap
from emporium.ordering.adapters.verification import Verification
from emporium.tenancy.public import EachTenantCommand


class Command(EachTenantCommand):
    help = (
        "Fold every order from its event stream and compare it with its snapshot row, per "
        "tenant; print each difference as 'field: stream != snapshot' and fail if any."
    )

    def handle_tenants(self, chosen: list[TenantRef], **options: Any) -> None:
        differ = 0
        for tenant in chosen:
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
