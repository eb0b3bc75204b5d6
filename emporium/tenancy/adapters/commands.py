"""Base class for management commands that work on one tenant's data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.tenancy.models import Tenant


class TenantCommand(BaseCommand):
    """A command run as ``manage.py <name> --tenant SLUG``: in that tenant, in one transaction."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="Slug of the tenant to work on.")

    def handle(self, *args: Any, **options: Any) -> Any:
        row = Tenant.objects.filter(slug=options["tenant"]).values_list("id", "slug").first()
        if row is None:
            raise CommandError(f"No tenant {options['tenant']!r}.")
        with tenant_context(TenantRef(id=row[0], slug=row[1])), transaction.atomic():
            return self.handle_tenant(*args, **options)

    def handle_tenant(self, *args: Any, **options: Any) -> Any:
        """Do the command's work; the tenant is current and a transaction is open."""
        raise NotImplementedError
