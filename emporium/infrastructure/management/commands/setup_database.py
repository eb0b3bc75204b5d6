"""Create the database and its roles if missing, migrate as the owner, grant the app role."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from emporium.infrastructure.db.provisioning import (
    PgTarget,
    ensure_roles_and_database,
    grant_application_privileges,
)


class Command(BaseCommand):
    help = (
        "Idempotently create the PostgreSQL database, the owner and application roles, migrate "
        "as the owner and grant the application role. On SQLite it only migrates."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bootstrap-url",
            default=os.environ.get("DATABASE_BOOTSTRAP_URL", ""),
            help="URL of a role that may create roles and databases (default: "
            "DATABASE_BOOTSTRAP_URL, else DATABASE_ADMIN_URL).",
        )
        parser.add_argument(
            "--test-grants",
            action="store_true",
            help="Also let the application role TRUNCATE (test databases only).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DATABASE_URL:
            # A fresh clone has no var/ yet: SQLite creates the file, not its folder.
            Path(settings.DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
            self.stdout.write("SQLite (no DATABASE_URL): migrating the embedded database.")
            call_command("migrate", interactive=False, verbosity=options["verbosity"])
            return
        try:
            owner = PgTarget.parse(settings.DATABASE_ADMIN_URL)
            app = PgTarget.parse(settings.DATABASE_URL)
            bootstrap = PgTarget.parse(options["bootstrap_url"] or settings.DATABASE_ADMIN_URL)
            ensure_roles_and_database(bootstrap, owner, app)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Database {owner.database}: roles {owner.user} (owner), {app.user} (app)."
        )
        call_command("migrate", database="admin", interactive=False, verbosity=options["verbosity"])
        grant_application_privileges(owner, app, allow_truncate=options["test_grants"])
        self.stdout.write(self.style.SUCCESS("Database ready."))
