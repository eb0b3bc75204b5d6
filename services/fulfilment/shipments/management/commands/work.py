"""Run the background loops only: consumer (with a broker), shipper and relay."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand

from shipments.loops import BackgroundLoops


class Command(BaseCommand):
    """``manage.py work``: the loops, for deployments that run gunicorn on their own."""

    help = "Run the consumer (with a broker), the shipper and the outbox relay until SIGTERM."

    def handle(self, *args, **options) -> None:
        """Run until SIGTERM or SIGINT."""
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        loops = BackgroundLoops()
        loops.start()
        while not stopping.wait(1.0):
            if not loops.alive():
                raise SystemExit("a background loop died")
        loops.shutdown()
