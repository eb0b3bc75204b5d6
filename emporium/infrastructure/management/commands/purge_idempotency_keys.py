"""``manage.py purge_idempotency_keys [--hours 24]``: delete expired idempotency keys."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from emporium.infrastructure.http.idempotency import KEEP_FOR, purge_idempotency_records

_MINIMUM_HOURS = int(KEEP_FOR / timedelta(hours=1))


class Command(BaseCommand):
    help = "Delete idempotency keys older than 24 hours (or --hours), across tenants."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=int,
            default=_MINIMUM_HOURS,
            help=f"Age in hours beyond which keys go (at least {_MINIMUM_HOURS}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"]
        if hours < _MINIMUM_HOURS:
            # API.md promises clients their keys for at least this long.
            raise CommandError(f"--hours must be at least {_MINIMUM_HOURS}.")
        deleted = purge_idempotency_records(timedelta(hours=hours))
        self.stdout.write(f"Deleted {deleted} idempotency keys older than {hours} hours.")
