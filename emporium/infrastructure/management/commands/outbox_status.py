"""``manage.py outbox_status``: pending outbox rows and failed deliveries, per tenant."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from emporium.infrastructure.messaging.status import (
    failed_deliveries,
    pending_events,
    redeliver_failed,
)


def _age(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{seconds:02d}s" if hours else f"{minutes}m{seconds:02d}s"


class Command(BaseCommand):
    help = (
        "Show the outbox rows waiting for the relay (count, oldest age, failed publishes) per "
        "tenant, and the consumers' deliveries waiting for a retry or finally failed. "
        "--redeliver gives failed deliveries a fresh set of attempts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print one JSON document.")
        parser.add_argument(
            "--redeliver",
            action="store_true",
            help="Retry the failed deliveries (narrow with --consumer and --event).",
        )
        parser.add_argument("--consumer", help="With --redeliver: only this consumer's.")
        parser.add_argument("--event", help="With --redeliver: only this event id's.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["redeliver"]:
            try:
                count = redeliver_failed(options["consumer"], options["event"])
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{count} failed deliveries will be retried")
            return
        if options["consumer"] or options["event"]:
            raise CommandError("--consumer and --event go with --redeliver")
        pending, failures = pending_events(), failed_deliveries()
        if options["json"]:
            document = {
                "outbox": [
                    {
                        "tenant": item.tenant,
                        "pending": item.pending,
                        "oldest_age_seconds": round(item.oldest_age.total_seconds(), 3),
                        "publish_failures": item.publish_failures,
                    }
                    for item in pending
                ],
                "deliveries": [
                    {
                        "consumer": item.consumer,
                        "tenant": item.tenant,
                        "retrying": item.retrying,
                        "failed": item.failed,
                        "oldest_failure": item.oldest_failure.isoformat(),
                    }
                    for item in failures
                ],
            }
            self.stdout.write(json.dumps(document, indent=2))
            return
        outbox = Table("tenant", "pending", "oldest", "failed publishes", title="Outbox")
        for row in pending:
            outbox.add_row(
                row.tenant, str(row.pending), _age(row.oldest_age), str(row.publish_failures)
            )
        deliveries = Table("consumer", "tenant", "retrying", "failed", "since", title="Deliveries")
        for item in failures:
            deliveries.add_row(
                item.consumer,
                item.tenant,
                str(item.retrying),
                str(item.failed),
                item.oldest_failure.isoformat(timespec="seconds"),
            )
        console = Console(file=io.StringIO(), width=120, record=True)
        console.print(outbox if pending else "Outbox: nothing pending.")
        console.print(deliveries if failures else "Deliveries: no failures.")
        self.stdout.write(console.export_text())
