"""``manage.py relay_outbox``: publish the outbox to the broker, in a loop or once."""

from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from emporium.infrastructure.management.stopping import stop_on_signals
from emporium.infrastructure.messaging.publisher import (
    InProcessPublisher,
    Publisher,
    default_publisher,
)
from emporium.infrastructure.messaging.relay import relay_batch, retry_in_process


class Command(BaseCommand):
    help = (
        "Publish unpublished outbox rows (oldest first, FOR UPDATE SKIP LOCKED) to the broker, "
        "or to the in-process consumers when no broker is configured. Runs until SIGTERM or "
        "SIGINT, finishing the batch in hand; --once publishes one batch and exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Publish one batch and exit.")
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait when the outbox is drained or the broker failed (default 1).",
        )
        parser.add_argument(
            "--batch", type=int, default=500, help="Rows claimed per transaction (default 500)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        once: bool = options["once"]
        interval: float = options["interval"]
        batch: int = options["batch"]
        if batch < 1 or interval < 0:
            raise ValueError("--batch must be positive and --interval not negative")
        stop = threading.Event()
        publisher = default_publisher()
        with stop_on_signals(stop) if not once else nullcontext():
            try:
                self._relay(publisher, stop, once, interval, batch)
            finally:
                publisher.close()

    def _relay(
        self, publisher: Publisher, stop: threading.Event, once: bool, interval: float, batch: int
    ) -> None:
        while not stop.is_set():
            started = time.monotonic()
            relayed = relay_batch(publisher, limit=batch)
            elapsed = time.monotonic() - started
            if relayed or once:
                rate = relayed / elapsed if elapsed > 0 else 0.0
                self.stdout.write(f"relayed {relayed} events in {elapsed:.3f} s ({rate:.1f}/s)")
            if isinstance(publisher, InProcessPublisher):
                # No consumer process runs without a broker: their due retries run here.
                retried = retry_in_process()
                if retried.tried:
                    self.stdout.write(
                        f"retried {retried.tried} failed deliveries, {retried.succeeded} ok"
                    )
            if once:
                break
            if relayed < batch:
                stop.wait(interval)
