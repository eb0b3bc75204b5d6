"""List, suspend or reactivate tenants: ``manage.py tenants [list | suspend S | reactivate S]``."""

from __future__ import annotations

import io
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from emporium.shared_kernel.errors import DomainError
from emporium.tenancy import bootstrap
from emporium.tenancy.application.use_cases import ReactivateTenant, SuspendTenant


class Command(BaseCommand):
    help = "List tenants, or suspend or reactivate one (platform operators)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", choices=["list", "suspend", "reactivate"], nargs="?", default="list"
        )
        parser.add_argument("slug", nargs="?")

    def handle(self, *args: Any, **options: Any) -> None:
        action, slug = options["action"], options["slug"]
        if action == "list":
            self._list()
            return
        if not slug:
            raise CommandError(f"{action} needs a tenant slug")
        try:
            if action == "suspend":
                tenant = bootstrap.suspend_tenant(SuspendTenant(slug))
            else:
                tenant = bootstrap.reactivate_tenant(ReactivateTenant(slug))
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(self.style.SUCCESS(f"Tenant {tenant.slug} is {tenant.status.value}."))

    def _list(self) -> None:
        table = Table("slug", "name", "status", "currency", "tax %", "payment methods", "created")
        for tenant in bootstrap.list_tenants():
            table.add_row(
                tenant.slug,
                tenant.name,
                tenant.status.value,
                tenant.settings.currency,
                str(tenant.settings.tax_rate),
                ", ".join(tenant.settings.payment_methods),
                tenant.created_at.date().isoformat(),
            )
        console = Console(file=io.StringIO(), width=120, record=True)
        console.print(table)
        self.stdout.write(console.export_text())
