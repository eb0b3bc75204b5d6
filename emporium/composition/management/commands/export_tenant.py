"""``manage.py export_tenant SLUG --out FILE``: every row of one tenant, as JSON Lines."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from emporium.composition.offboarding.export import TenantGone, export_tenant
from emporium.composition.offboarding.tables import tenant_by_slug


class Command(BaseCommand):
    help = (
        "Write every row of a tenant (every table with its tenant, the outbox, inbox and "
        "delivery failures of its slug) to a JSON Lines file, streamed, with a progress bar."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The tenant to export, active or suspended.")
        parser.add_argument("--out", required=True, help="The file to write (replaced).")

    def handle(self, *args: Any, **options: Any) -> None:
        tenant = tenant_by_slug(options["slug"])
        if tenant is None:
            raise CommandError(f"No tenant {options['slug']!r}.")
        path = Path(options["out"])
        if path.is_dir():
            raise CommandError(f"{str(path)!r} is a directory: name the file to write.")
        if not path.parent.is_dir():
            raise CommandError(f"No directory {str(path.parent)!r} to write {path.name!r} in.")
        # On stderr, so that stdout carries only the summary.
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        shown = options["verbosity"] >= 1
        progress = Progress(
            *columns, console=Console(stderr=True), transient=True, disable=not shown
        )
        # Written beside the file under a name of its own and renamed at the end: a failed
        # export leaves no half archive, and two exports to one path do not share a file.
        try:
            descriptor, name = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".partial", dir=path.parent
            )
        except OSError as exc:
            raise CommandError(f"Cannot write in {str(path.parent)!r}: {exc.strerror}.") from exc
        partial = Path(name)
        try:
            with progress, open(descriptor, "w", encoding="utf-8") as out:
                bar = progress.add_task(f"{tenant.slug} rows", total=None)

                def advance(done: int, total: int) -> None:
                    if done == total or done % 500 == 0:
                        progress.update(bar, completed=done, total=total)

                exported = export_tenant(tenant, out, progress=advance)
            partial.replace(path)
        except TenantGone as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot write {str(path)!r}: {exc.strerror or exc}.") from exc
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            f"{tenant.slug}: {exported.rows} rows of {len(exported.tables)} tables "
            f"written to {path}"
        )
