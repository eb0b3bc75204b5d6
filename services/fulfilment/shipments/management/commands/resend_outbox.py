"""Send given-up outbox rows again: clear ``failed_at`` so that the relay picks them up."""

from __future__ import annotations

from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shipments.models import OutboxMessage


class Command(BaseCommand):
    """``manage.py resend_outbox <id> ...`` or ``manage.py resend_outbox --all-failed``."""

    help = (
        "Send outbox rows the receiver refused for good again (once the cause is fixed): clear "
        "their failed_at; the relay sends them with the next pass, oldest first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        """Row ids, or --all-failed."""
        parser.add_argument("ids", nargs="*", help="ids of given-up outbox rows")
        parser.add_argument(
            "--all-failed", action="store_true", help="every given-up row, instead of ids"
        )

    def handle(self, *args, **options) -> None:
        """Clear ``failed_at`` of the rows named (``last_error`` stays until the next try)."""
        ids: list[str] = options["ids"]
        if options["all_failed"] == bool(ids):
            raise CommandError("Name the rows' ids, or give --all-failed (not both).")
        given_up = OutboxMessage.objects.filter(failed_at__isnull=False, published_at__isnull=True)
        if ids:
            try:
                wanted = {UUID(value) for value in ids}
            except ValueError as error:
                raise CommandError(f"An outbox id is a UUID: {error}") from error
            found = set(given_up.filter(id__in=wanted).values_list("id", flat=True))
            if missing := wanted - found:
                names = ", ".join(sorted(str(value) for value in missing))
                raise CommandError(f"No given-up outbox row {names}; nothing changed.")
            given_up = given_up.filter(id__in=wanted)
        count = given_up.update(failed_at=None)
        self.stdout.write(f"{count} outbox row(s) will be sent again by the relay.")
