"""Base classes for management commands that work on one tenant's data, or on each of many."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.tenancy.adapters.resolution import active_tenant
from emporium.tenancy.domain.tenant import TenantStatus
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


class EachTenantCommand(BaseCommand):
    """A command run as ``manage.py <name> [--tenant SLUG ...]``: on each active tenant named.

    Every active tenant when none is named; an unknown or inactive slug is refused before any
    tenant is touched. Subclasses add their own arguments after calling ``add_arguments``.
    """

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tenant",
            action="append",
            dest="tenants",
            metavar="SLUG",
            help="Slug of an active tenant, repeatable; every active one if omitted.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = self.chosen_tenants(options["tenants"])
        if not tenants:
            self.stdout.write("No active tenants.")
        self.handle_tenants(tenants, **options)

    @staticmethod
    def chosen_tenants(slugs: list[str] | None) -> list[TenantRef]:
        """Return the active tenants ``slugs`` name, or every active one for None."""
        if not slugs:
            active = Tenant.objects.filter(status=TenantStatus.ACTIVE.value).order_by("slug")
            return [TenantRef(pk, slug) for pk, slug in active.values_list("id", "slug")]
        found = {slug: active_tenant(slug) for slug in dict.fromkeys(slugs)}
        unknown = [slug for slug, tenant in found.items() if tenant is None]
        if unknown:
            raise CommandError(f"No active tenant {', '.join(map(repr, unknown))}.")
        return [tenant for tenant in found.values() if tenant is not None]

    def handle_tenants(self, chosen: list[TenantRef], **options: Any) -> None:
        """Do the command's work on the ``chosen`` tenants (in no tenant, no transaction)."""
        raise NotImplementedError
