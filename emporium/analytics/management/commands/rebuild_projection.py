"""``manage.py rebuild_projection NAME``: replay the events into fresh rows and swap them in."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from emporium.analytics import bootstrap
from emporium.infrastructure.projections.runner import (
    RebuildSuperseded,
    Rebuilt,
    UnknownProjection,
    projection_registry,
)
from emporium.multitenancy.context import TenantRef
from emporium.tenancy.public import EachTenantCommand


def rebuild_with_progress(name: str, tenant: TenantRef, *, shown: bool) -> Rebuilt:
    """Rebuild one tenant's projection with a progress bar on stderr (stdout stays for results)."""
    console = Console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True, disable=not shown) as progress:
        bar = progress.add_task(f"{tenant.slug} {name}", total=None)

        def advance(position: int, head: int) -> None:
            progress.update(bar, completed=position, total=head)

        try:
            return bootstrap.rebuild_projection(name, tenant, progress=advance)
        except RebuildSuperseded as exc:
            raise CommandError(f"{tenant.slug}: {exc}") from exc


class Command(EachTenantCommand):
    help = (
        "Replay a projection from position 0 into fresh rows and swap them in, per tenant, "
        "while the consumers keep the live rows current."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The projection: " + ", ".join(self._names()) + ".")
        super().add_arguments(parser)

    @staticmethod
    def _names() -> list[str]:
        return [entry.name for entry in projection_registry().all()]

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        try:
            projection_registry().get(name)
        except UnknownProjection as exc:
            raise CommandError(str(exc)) from exc
        super().handle(*args, **options)

    def handle_tenants(self, chosen: list[TenantRef], **options: Any) -> None:
        name = options["name"]
        for tenant in chosen:
            rebuilt = rebuild_with_progress(name, tenant, shown=options["verbosity"] >= 1)
            self.stdout.write(
                f"{tenant.slug}: {name} rebuilt from {rebuilt.events} events up to position "
                f"{rebuilt.position} (generation {rebuilt.generation})"
            )
