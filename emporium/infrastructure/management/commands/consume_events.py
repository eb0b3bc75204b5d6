"""``manage.py consume_events --consumer NAME``: run one consumer on its broker queue."""

from __future__ import annotations

import threading
from contextlib import nullcontext
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from emporium.infrastructure.management.stopping import stop_on_signals
from emporium.infrastructure.messaging.consumer import EventConsumer


class Command(BaseCommand):
    help = (
        "Consume the queue emporium.<consumer> (bound to emporium.events by the consumer's event "
        "types): each message is handled once per event id and acked after its transaction "
        "commits. Runs until SIGTERM or SIGINT; --once drains the queue and exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--consumer", required=True, help="A registered consumer's name.")
        parser.add_argument(
            "--once", action="store_true", help="Exit once no message came for --idle seconds."
        )
        parser.add_argument(
            "--idle", type=float, default=1.0, help="Seconds without a message that end --once."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            consumer = EventConsumer(options["consumer"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        stop = threading.Event()
        with stop_on_signals(stop) if not options["once"] else nullcontext():
            consumer.run(once=options["once"], stop=stop, idle=options["idle"])
        self.stdout.write(f"handled {consumer.handled} messages, {consumer.failed} failed")
