"""Delete sent outbox rows and inbox rows past their retention windows, and print the counts."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from shipments.pruning import prune


class Command(BaseCommand):
    """``manage.py prune [--dry-run]``: what the background loops do once an hour."""

    help = (
        "Delete outbox rows sent more than FULFILMENT_OUTBOX_RETENTION_HOURS ago (never unsent "
        "or given-up ones) and inbox rows older than FULFILMENT_INBOX_RETENTION_HOURS, in "
        "batches; print the counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """--dry-run."""
        parser.add_argument("--dry-run", action="store_true", help="count the rows, delete nothing")

    def handle(self, *args, **options) -> None:
        """Prune (or count) and print one line per table."""
        dry_run = options["dry_run"]
        pruned = prune(dry_run=dry_run)
        verb = "would be deleted" if dry_run else "deleted"
        outbox_hours = settings.FULFILMENT_OUTBOX_RETENTION_HOURS
        inbox_hours = settings.FULFILMENT_INBOX_RETENTION_HOURS
        self.stdout.write(
            f"outbox: {pruned.outbox} row(s) {verb} (sent more than {outbox_hours:g} h ago)"
        )
        self.stdout.write(
            f"inbox: {pruned.inbox} row(s) {verb} (received more than {inbox_hours:g} h ago)"
        )
