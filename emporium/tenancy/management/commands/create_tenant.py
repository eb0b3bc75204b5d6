"""Create a tenant: ``manage.py create_tenant acme --name "Acme Inc." [--currency EUR]``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from emporium.shared_kernel.errors import DomainError
from emporium.tenancy import bootstrap
from emporium.tenancy.application.use_cases import CreateTenant


class Command(BaseCommand):
    help = "Create a tenant (platform operators)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="Host label and identifier, e.g. acme.")
        parser.add_argument("--name", required=True)
        parser.add_argument("--currency", default="USD")
        parser.add_argument("--tax-rate", default="8.00", help="Percent, e.g. 8.00.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            tax_rate = Decimal(options["tax_rate"])
        except InvalidOperation as exc:
            raise CommandError("--tax-rate must be a decimal number") from exc
        cmd = CreateTenant(
            slug=options["slug"],
            name=options["name"],
            currency=options["currency"].upper(),
            tax_rate=tax_rate,
        )
        try:
            tenant = bootstrap.create_tenant(cmd)
        except DomainError as exc:
            raise CommandError(exc.detail) from exc
        self.stdout.write(self.style.SUCCESS(f"Created tenant {tenant.slug} ({tenant.id})."))
