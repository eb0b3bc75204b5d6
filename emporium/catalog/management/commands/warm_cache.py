"""``manage.py warm_cache``: fill the catalog cache of one tenant, or of every active tenant."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from rich.console import Console
from rich.progress import Progress, TaskID

from emporium.catalog.adapters.warming import (
    POPULAR_LIMIT,
    UnknownPattern,
    catalog_warmer,
)
from emporium.multitenancy.context import require_tenant, tenant_context
from emporium.tenancy.public import TenantCommand, active_tenants


def _limit(text: str) -> int:
    number = int(text)
    if number < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return number


class Command(TenantCommand):
    help = "Warm the catalog cache (popular products, category navigation) per tenant."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", help="Slug of the tenant; every active one if omitted.")
        parser.add_argument(
            "--pattern",
            action="append",
            dest="patterns",
            metavar="PATTERN",
            help=f"Key pattern to warm, repeatable: {', '.join(catalog_warmer().patterns)} "
            "(all by default).",
        )
        parser.add_argument(
            "--limit",
            type=_limit,
            default=POPULAR_LIMIT,
            help="How many popular products to warm (default: %(default)s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            catalog_warmer().select(options["patterns"])  # refuse before touching any tenant
        except UnknownPattern as exc:
            raise CommandError(str(exc)) from exc
        if options["tenant"]:
            super().handle(*args, **options)
            return
        tenants = active_tenants()
        if not tenants:
            self.stdout.write("No active tenants.")
        for tenant in tenants:
            with tenant_context(tenant), transaction.atomic():
                self.handle_tenant(*args, **options)

    def handle_tenant(self, *args: Any, **options: Any) -> None:
        slug = require_tenant().slug
        warmer = catalog_warmer(popular_limit=options["limit"])
        bars: dict[str, TaskID] = {}
        # On stderr, so that stdout carries only the summaries a script may read.
        console = Console(stderr=True)
        with Progress(console=console, transient=True, disable=options["verbosity"] < 1) as shown:

            def advance(pattern: str, done: int, total: int) -> None:
                if pattern not in bars:
                    bars[pattern] = shown.add_task(f"{slug} {pattern}", total=total)
                shown.update(bars[pattern], completed=done)

            report = warmer.warm(options["patterns"], progress=advance)
        counts = ", ".join(f"{pattern} {count}" for pattern, count in report.counts.items())
        self.stdout.write(f"{slug}: warmed {counts}")
