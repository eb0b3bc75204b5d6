"""``manage.py consume_events --consumer NAME``: run one consumer on its broker queue."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

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
        restore = self._stop_on_signals(stop) if not options["once"] else {}
        try:
            consumer.run(once=options["once"], stop=stop, idle=options["idle"])
        finally:
            for signum, handler in restore.items():
                signal.signal(signum, handler)
        self.stdout.write(f"handled {consumer.handled} messages, {consumer.failed} failed")

    @staticmethod
    def _stop_on_signals(stop: threading.Event) -> dict[int, Any]:
        """Make SIGTERM and SIGINT end the loop after the current message."""
        if threading.current_thread() is not threading.main_thread():
            return {}

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        return {
            signum: signal.signal(signum, request_stop)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
