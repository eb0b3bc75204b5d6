"""``manage.py run_event_workers``: the relay and each consumer as child processes, kept up."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from emporium.infrastructure.management.stopping import stop_on_signals
from emporium.infrastructure.messaging.inbox import ConsumerRegistry, consumer_registry

MANAGE = Path(__file__).resolve().parents[4] / "manage.py"
#: Seconds before a worker that exited is started again.
RESTART_DELAY = 1.0


def worker_commands(registry: ConsumerRegistry) -> list[list[str]]:
    """Return the ``manage.py`` arguments of the relay and of each registered consumer."""
    names = sorted(
        {name for event in registry.event_types() for name, _ in registry.consumers_for(event)}
    )
    return [["relay_outbox"], *(["consume_events", "--consumer", name] for name in names)]


class Command(BaseCommand):
    help = (
        "Run relay_outbox and one consume_events per registered consumer as child processes; "
        "start again any that exits; on SIGTERM or SIGINT stop them all. For `make run` with a "
        "broker and for small deployments; larger ones run each worker under their supervisor."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list", action="store_true", help="Print the worker commands and exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        commands = worker_commands(consumer_registry())
        if options["list"]:
            for command in commands:
                self.stdout.write(" ".join(["manage.py", *command]))
            return
        if not settings.CELERY_BROKER_URL:
            raise CommandError(
                "no broker is configured (CELERY_BROKER_URL): the consumers run in-process"
            )
        stop = threading.Event()
        with stop_on_signals(stop):
            workers = {tuple(command): self._start(command) for command in commands}
            self.stdout.write(f"started {len(workers)} event workers")
            try:
                while not stop.wait(RESTART_DELAY):
                    for key, process in workers.items():
                        code = process.poll()
                        if code is not None:
                            self.stderr.write(f"{' '.join(key)} exited with {code}; restarting")
                            workers[key] = self._start(list(key))
            finally:
                self._stop_all(list(workers.values()))
        self.stdout.write("stopped the event workers")

    @staticmethod
    def _start(command: list[str]) -> subprocess.Popen[bytes]:
        # Our own interpreter and manage.py, with arguments from the consumer registry.
        return subprocess.Popen([sys.executable, str(MANAGE), *command])  # noqa: S603

    @staticmethod
    def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
        """Ask every worker to finish its work in hand (SIGTERM); kill what still runs at 15 s."""
        for process in processes:
            process.terminate()
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
