"""``manage.py serve``: the development server on ``PORT`` with the background work beside it.

``make run`` calls it. It refuses a port that something else already listens on (so nobody
ends up on another server), starts ``runserver``, the periodic tasks (``run_periodic``: the
embedded default has no ``celery beat``) and, with a broker, the event workers, and prints the
URLs to open only once the server answers. SIGTERM or SIGINT stops them all.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from emporium.infrastructure.db.provisioning import PgTarget, ensure_database
from emporium.infrastructure.management.stopping import stop_on_signals

ROOT = Path(__file__).resolve().parents[4]
MANAGE = ROOT / "manage.py"
#: The fulfilment service (ADR 0018): its own folder, virtualenv and database.
FULFILMENT = ROOT / "services" / "fulfilment"
FULFILMENT_PYTHON = FULFILMENT / ".venv" / "bin" / "python"
#: Seconds to wait for the server to answer before giving up.
START_TIMEOUT = 60.0
#: Seconds each child gets to finish after SIGTERM before it is killed.
STOP_TIMEOUT = 15.0
#: The demo shop that ``seed_demo`` creates, named in the banner.
DEMO_SHOP = "acme"


def port_in_use(port: int) -> bool:
    """Return whether something accepts connections on ``port`` of this machine."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def answers(port: int) -> bool:
    """Return whether an HTTP server on ``port`` answers ``GET /healthz`` (any status)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz", headers={"Host": "localhost"})
        connection.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def banner(port: int, domain: str = "localhost") -> str:
    """Return the lines that tell a newcomer where to go, for ``port`` and the base domain."""
    base = f"http://{domain}:{port}"
    shop = f"http://{DEMO_SHOP}.{domain}:{port}"
    return "\n".join(
        [
            "",
            f"  Emporium is serving on {base}",
            f"    API docs:     {base}/api/docs/  (X-Tenant: {DEMO_SHOP} for the demo shop)",
            f"    Schema:       {base}/api/schema/",
            f"    Demo shop:    {shop}/api/v1/products/",
            f"    Back office:  {shop}/admin/  (the shop's staff)",
            f"    Operators:    {base}/admin/",
            f"    Health:       {base}/healthz  ·  readiness: {base}/readyz",
            f"    Fulfilment:   http://127.0.0.1:{settings.FULFILMENT_PORT}/healthz  "
            "(services/fulfilment/README.md)",
            "",
        ]
    )


def fulfilment_env(port: int) -> dict[str, str]:
    """Return the service's environment: Emporium's broker and key, a database of its own.

    With PostgreSQL configured it gets the database ``<Emporium's database>_fulfilment`` on the
    same server (created here if missing), else its SQLite file; ``FULFILMENT_DATABASE_URL``
    overrides.
    """
    env = dict(os.environ)
    env.setdefault("FULFILMENT_DEBUG", "1" if settings.DEBUG else "0")
    env["FULFILMENT_SERVICE_KEY"] = settings.FULFILMENT_SERVICE_KEY
    env["FULFILMENT_BROKER_URL"] = settings.CELERY_BROKER_URL
    env["EMPORIUM_EVENTS_URL"] = f"http://localhost:{port}/internal/events/"
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if not env.get("FULFILMENT_DATABASE_URL") and settings.DATABASE_URL.startswith("postgres"):
        server = os.environ.get("DATABASE_BOOTSTRAP_URL") or settings.DATABASE_ADMIN_URL
        # Named after Emporium's own database: two checkouts on one server keep theirs apart.
        name = f"{settings.DATABASES['default']['NAME']}_fulfilment"
        try:
            env["FULFILMENT_DATABASE_URL"] = ensure_database(PgTarget.parse(server), name).url
        except Exception as error:  # said plainly, with the way out
            raise CommandError(
                f"could not create the fulfilment service's database {name} "
                f"({error}); create it, or set FULFILMENT_DATABASE_URL"
            ) from error
    return env


class Command(BaseCommand):
    help = (
        "Serve on PORT (default 8000) with the periodic tasks and, with a broker, the event "
        "workers; print the URLs once the server answers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        port: int = options["port"]
        if port_in_use(port):
            raise CommandError(
                f"port {port} is already in use by another server; set PORT to a free one, "
                f"for example PORT={port + 1} make run"
            )
        # The service first: if it cannot start, nothing else is left running.
        fulfilment = self._start_fulfilment(port)
        server = self._start(["runserver", f"0.0.0.0:{port}"])
        children = {"runserver": server}
        if fulfilment is not None:
            children["fulfilment"] = fulfilment
        if settings.CELERY_BROKER_URL:
            # The workers run the relay; the beat entry would only relay beside it.
            children["run_periodic"] = self._start(["run_periodic", "--skip", "relay-outbox"])
            children["run_event_workers"] = self._start(["run_event_workers"])
        else:
            children["run_periodic"] = self._start(["run_periodic"])
        stop = threading.Event()
        try:
            with stop_on_signals(stop):
                self._wait_until_answering(server, port, stop)
                if stop.is_set():
                    return
                self.stdout.write(banner(port, settings.EMPORIUM_BASE_DOMAIN))
                self.stdout.flush()
                while not stop.wait(0.5):
                    for name, child in children.items():
                        if child.poll() is not None:
                            raise CommandError(f"{name} exited with {child.returncode}")
        finally:
            self._stop(list(children.values()))

    def _start_fulfilment(self, port: int) -> subprocess.Popen[bytes] | None:
        """Migrate and start the fulfilment service on FULFILMENT_PORT, or say why not."""
        if not FULFILMENT_PYTHON.exists():
            self.stderr.write(
                f"The fulfilment service is not installed ({FULFILMENT_PYTHON} is missing): "
                "run `make install`. Orders with an address stay 'requested' until it runs."
            )
            return None
        service_port = settings.FULFILMENT_PORT
        if port_in_use(service_port):
            raise CommandError(
                f"port {service_port} (the fulfilment service's) is already in use; set "
                f"FULFILMENT_PORT to a free one, for example FULFILMENT_PORT={service_port + 1}"
            )
        env = fulfilment_env(port)
        manage = [str(FULFILMENT_PYTHON), str(FULFILMENT / "manage.py")]
        migrated = subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env)  # noqa: S603
        if migrated.returncode != 0:
            raise CommandError("the fulfilment service's migrations failed (see above)")
        return subprocess.Popen([*manage, "serve", "--port", str(service_port)], env=env)  # noqa: S603

    @staticmethod
    def _start(command: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, str(MANAGE), *command])  # noqa: S603

    @staticmethod
    def _stop(children: list[subprocess.Popen[bytes]]) -> None:
        # runserver's reloader ends the server process it runs when it gets SIGTERM.
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    @staticmethod
    def _wait_until_answering(
        server: subprocess.Popen[bytes], port: int, stop: threading.Event
    ) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not stop.is_set() and not answers(port):
            if server.poll() is not None:
                raise CommandError(
                    f"the server exited with {server.returncode} before answering (see above)"
                )
            if time.monotonic() > deadline:
                raise CommandError(f"the server did not answer on port {port}")
            time.sleep(0.2)
