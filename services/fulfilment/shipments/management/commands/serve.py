"""Serve HTTP (gunicorn, a child process) and run the background loops in this process."""

from __future__ import annotations

import contextlib
import ctypes
import signal
import subprocess
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand

from shipments.loops import BackgroundLoops

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Have the kernel send the child SIGTERM when this process dies, even by SIGKILL (Linux)."""
    # Not Linux: no prctl, and the child outlives a killed parent.
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    """``manage.py serve``: everything the service does, in one command, for development."""

    help = "Serve the HTTP API on FULFILMENT_PORT with gunicorn and run the background loops."

    def add_arguments(self, parser) -> None:
        """Take the port and the address to bind."""
        parser.add_argument("--port", type=int, default=settings.FULFILMENT_PORT)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, **options) -> None:
        """Run until SIGTERM or SIGINT, or until the HTTP server dies."""
        stopping = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        server = subprocess.Popen(  # noqa: S603  (our own interpreter and fixed arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "fulfilment_service.wsgi:application",
                "--bind",
                f"{options['host']}:{options['port']}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--chdir",
                str(settings.BASE_DIR),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "5",
                # Its default control socket is one path per user: every instance on the
                # machine (tests, make run) would share it.
                "--no-control-socket",
            ],
            # gunicorn gets our TERM from us, not the terminal's INT from the process group.
            start_new_session=True,
            # Called before any thread of ours is started.
            preexec_fn=_die_with_parent,
        )
        loops = BackgroundLoops()
        loops.start()
        self.stdout.write(
            f"Fulfilment service on http://{options['host']}:{options['port']}/ (pid {server.pid})"
        )
        code = 0
        while not stopping.wait(0.5):
            if server.poll() is not None:
                self.stderr.write(f"gunicorn exited with {server.returncode}")
                code = 1
                break
            if not loops.alive():
                self.stderr.write("a background loop died")
                code = 1
                break
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        loops.shutdown()
        if code:
            raise SystemExit(code)
