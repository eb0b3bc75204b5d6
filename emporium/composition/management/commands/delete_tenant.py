"""``manage.py delete_tenant SLUG --confirm SLUG [--dry-run]``: offboard a tenant for good."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from emporium.composition.offboarding.deletion import (
    Deleted,
    TenantActive,
    count_tenant,
    delete_tenant,
)
from emporium.composition.offboarding.tables import tenant_by_slug


class Command(BaseCommand):
    help = (
        "Delete every row of a tenant in every table, its sessions and cache keys, and tell "
        "the fulfilment service (tenancy.tenant_deleted); the deletion is kept in the "
        "platform's audit. Only a suspended tenant is deleted: suspend it first "
        "(manage.py tenants suspend SLUG). --dry-run prints the counts and deletes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The tenant to delete, suspended first.")
        parser.add_argument(
            "--confirm", default="", metavar="SLUG", help="The same slug again: no undo."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would go; delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["slug"]
        if options["confirm"] != slug:
            raise CommandError(
                f"Refusing to delete {slug!r}: pass --confirm {slug} (the same slug) to confirm."
            )
        tenant = tenant_by_slug(slug)
        if tenant is None:
            raise CommandError(f"No tenant {slug!r}.")
        if options["dry_run"]:
            counted = count_tenant(tenant)
            self._table(counted)
            self.stdout.write(f"{slug}: would delete {counted.rows} rows (dry run: none deleted)")
            return
        try:
            deleted = delete_tenant(tenant)
        except (TenantActive, LookupError) as exc:
            raise CommandError(str(exc)) from exc
        self._table(deleted)
        if deleted.cache_keys is None:
            self.stdout.write(f"{slug}: deleted {deleted.rows} rows")
            self.stderr.write(
                self.style.WARNING(
                    f"{slug}: its cache keys could not be removed (see the log): they are the "
                    f"keys of tenant id {tenant.id} ('t:{tenant.id}:' in their names); delete "
                    "them by hand or let them expire."
                )
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{slug}: deleted {deleted.rows} rows and {deleted.cache_keys} cache keys"
            )
        )

    def _table(self, deleted: Deleted) -> None:
        width = max(len(label) for label in deleted.tables)
        for label, count in deleted.tables.items():
            self.stdout.write(f"{label.ljust(width)} {count:>9}")
