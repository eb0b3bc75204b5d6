"""The fulfilment service and Emporium's event workers as real processes, for one test.

A test gets, and leaves nothing of:

- a RabbitMQ virtual host of its own (``rabbitmqctl``), where the exchange, the service's
  ``fulfilment.events`` and Emporium's ``emporium.fulfilment`` live. The queue names are fixed
  and the node is shared: on the default vhost another run's service or consumers (the other
  xdist worker, another checkout, a ``make run``) would take this test's messages and apply
  them to their own databases. Where ``rabbitmqctl`` cannot add a vhost, the test falls back to
  the shared one and waits for a machine-wide lock, so that at least these tests never run
  two at once; its assertions look at its own orders only.
- a PostgreSQL database of its own for the service, created with ``DATABASE_BOOTSTRAP_URL``
  and dropped at the end.
- the service, started as ``make run`` starts it (``serve.fulfilment_env``, its own virtualenv,
  ``manage.py migrate`` then ``manage.py serve --port N``), and Emporium's outbox relay and its
  ``fulfilment`` consumer as ``manage.py`` processes on the test's databases
  (``tests.faults.processes``). Each process's output goes to a file whose tail is shown when
  a wait times out.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from amqp.exceptions import AMQPError, NotFound
from django.conf import settings
from kombu import Connection
from kombu.exceptions import OperationalError

from emporium.infrastructure.db.provisioning import PgTarget, drop_database, ensure_database
from emporium.infrastructure.management.commands import serve
from tests.faults import processes

SERVICE_DIR = serve.FULFILMENT
SERVICE_PYTHON = serve.FULFILMENT_PYTHON
#: The service's queue, and Emporium's queue of the consumer that records its dispatches.
SERVICE_QUEUE = "fulfilment.events"
DISPATCH_QUEUE = "emporium.fulfilment"
#: Held while a test uses the shared vhost (the fallback without rabbitmqctl).
SHARED_BROKER_LOCK = Path(tempfile.gettempdir()) / "emporium-e2e-fulfilment-broker.lock"
VHOST_PREFIX = "emporium-e2e-fulfilment"
START_TIMEOUT = 60.0


def free_port() -> int:
    """Return a port nothing listens on now (bound to 0, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rabbitmqctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["rabbitmqctl", *args], capture_output=True, text=True, timeout=60, check=False
    )


def _add_vhost(url: str) -> tuple[str, str] | None:
    """Add a vhost the URL's user may use on the local node; return it and its URL, or None."""
    parts = urlsplit(url)
    if parts.hostname not in {"127.0.0.1", "localhost", "::1"} or not shutil.which("rabbitmqctl"):
        return None
    vhost = f"{VHOST_PREFIX}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    if _rabbitmqctl("add_vhost", vhost).returncode != 0:
        return None
    vhost_url = urlunsplit(parts._replace(path=f"/{vhost}"))
    allowed = _rabbitmqctl("set_permissions", "-p", vhost, parts.username or "guest", *[".*"] * 3)
    try:
        # rabbitmqctl may run another node than the URL's (a broker in a container).
        with Connection(vhost_url, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=1)
    except (OSError, AMQPError, OperationalError):
        allowed = None
    if allowed is None or allowed.returncode != 0:
        _rabbitmqctl("delete_vhost", vhost)
        return None
    return vhost, vhost_url


@contextlib.contextmanager
def own_broker(url: str) -> Iterator[str]:
    """Yield the URL of a vhost of this test's own on the broker at ``url``; delete it after.

    Where none can be added, yield ``url`` itself once no other of these tests uses it.
    """
    added = _add_vhost(url)
    if added is not None:
        vhost, vhost_url = added
        try:
            yield vhost_url
        finally:
            _rabbitmqctl("delete_vhost", vhost)
        return
    warnings.warn(
        f"no vhost of its own on {url}: this test shares the broker's queues, and another "
        "process consuming them (a `make run`) could take its messages",
        stacklevel=1,
    )
    with SHARED_BROKER_LOCK.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield url
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def queue_exists(url: str, name: str) -> bool:
    """Return whether queue ``name`` is declared on the broker at ``url``."""
    with Connection(url, connect_timeout=5) as connection:
        channel = connection.channel()
        try:
            channel.queue_declare(queue=name, passive=True)
        except NotFound:
            return False
        finally:
            with contextlib.suppress(Exception):
                channel.close()
    return True


@contextlib.contextmanager
def service_database() -> Iterator[str]:
    """Yield the URL of a new PostgreSQL database for the service; drop it afterwards."""
    server = os.environ.get("DATABASE_BOOTSTRAP_URL") or settings.DATABASE_ADMIN_URL
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"fulfilment_e2e_{worker}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    target = PgTarget.parse(server)
    url = ensure_database(target, name).url
    try:
        yield url
    finally:
        drop_database(target, name)


def tail(path: Path, lines: int = 40) -> str:
    """Return the last ``lines`` lines of a process's output file."""
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return "(no output)"
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


def healthy(port: int) -> bool:
    """Return whether the service on ``port`` answers ``GET /healthz`` with 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


@dataclass
class Process:
    """A command started by the test, its output appended to ``log``."""

    name: str
    log: Path
    start_command: Callable[[IO[str]], subprocess.Popen[str]]
    popen: subprocess.Popen[str] | None = None
    #: Started and not stopped on purpose: its exit is a failure of the test.
    expected: bool = False
    _out: IO[str] | None = None

    def start(self) -> None:
        if self._out is None:
            self._out = self.log.open("a")
        self.popen = self.start_command(self._out)
        self.expected = True

    def died(self) -> bool:
        return self.expected and self.popen is not None and self.popen.poll() is not None

    def terminate(self) -> None:
        """Send SIGTERM to this process (and only it), once."""
        self.expected = False
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()

    def wait(self, timeout: float = 20.0) -> None:
        """Wait for this process to exit; SIGKILL it if it has not within ``timeout``."""
        if self.popen is None:
            return
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            processes.kill(self.popen)

    def stop(self) -> None:
        self.terminate()
        self.wait()

    def close(self) -> None:
        self.stop()
        if self._out is not None:
            self._out.close()
            self._out = None


class Link:
    """One test's service (its database and port) and Emporium's workers, on one broker."""

    def __init__(self, broker_url: str, database_url: str, env: dict[str, str], logs: Path):
        self.broker_url = broker_url
        self.database_url = database_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = env
        self.workers: list[Process] = []
        command = [str(SERVICE_PYTHON), str(SERVICE_DIR / "manage.py")]

        def start_service(out: IO[str]) -> subprocess.Popen[str]:
            return subprocess.Popen(
                [*command, "serve", "--port", str(self.port)],
                cwd=SERVICE_DIR,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                text=True,
            )

        self.service = Process("fulfilment service", logs / "service.log", start_service)
        self._logs = logs
        migrated = subprocess.run(
            [*command, "migrate", "--noinput", "-v", "0"],
            cwd=SERVICE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if migrated.returncode != 0:
            raise RuntimeError(f"the service's migrate failed:\n{migrated.stdout}{migrated.stderr}")

    def start_service(self) -> None:
        """Start the service; wait until it answers and has declared its queue."""
        self.service.start()
        self.wait_until(lambda: healthy(self.port), START_TIMEOUT, "the service's /healthz")
        self.wait_until(
            lambda: queue_exists(self.broker_url, SERVICE_QUEUE),
            START_TIMEOUT,
            f"the service's queue {SERVICE_QUEUE}",
        )

    def stop_service(self) -> None:
        """SIGTERM the service's ``serve`` (which stops its gunicorn) and wait for it."""
        self.service.stop()

    def start_workers(self, emporium_env: dict[str, str]) -> None:
        """Start Emporium's outbox relay and its ``fulfilment`` consumer; wait for its queue."""
        for name, args in (
            ("relay_outbox", ["relay_outbox", "--interval", "0.2"]),
            ("consume_events", ["consume_events", "--consumer", "fulfilment"]),
        ):
            worker = Process(
                name,
                self._logs / f"{name}.log",
                lambda out, args=args: processes.manage(args, emporium_env, out),
            )
            self.workers.append(worker)
            worker.start()
        self.wait_until(
            lambda: queue_exists(self.broker_url, DISPATCH_QUEUE),
            START_TIMEOUT,
            f"Emporium's queue {DISPATCH_QUEUE}",
        )

    def close(self) -> None:
        """Stop every process (all asked at once, then waited for)."""
        every = [*self.workers, self.service]
        for process in every:
            process.terminate()
        for process in every:
            process.close()

    def shipments(self, tenant: str) -> dict[str, dict[str, Any]]:
        """Return the service's shipments of shop ``tenant`` by order id, from its database."""
        with psycopg.connect(self.database_url) as connection:
            cursor = connection.execute(
                "SELECT order_id, status, carrier, tracking_number, shipped_at "
                "FROM shipments_shipment WHERE tenant = %s",
                [tenant],
            )
            columns = [column.name for column in cursor.description or []]
            rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        return {str(row["order_id"]): row for row in rows}

    def output(self) -> str:
        """Return the tail of every process's output, for a failure's message."""
        return "\n".join(
            f"--- {process.name} ({process.log}) ---\n{tail(process.log)}"
            for process in [self.service, *self.workers]
        )

    def wait_until(self, condition: Callable[[], bool], timeout: float, what: str) -> float:
        """Poll ``condition``; fail naming ``what``, with the processes' output, on timeout or
        as soon as a process that should run has exited."""

        def met() -> bool:
            for process in [self.service, *self.workers]:
                if process.died():
                    assert process.popen is not None
                    raise ProcessDied(
                        f"{process.name} exited with {process.popen.returncode} while waiting "
                        f"for {what}"
                    )
            return condition()

        try:
            return processes.wait_until(met, timeout, what)
        except (AssertionError, ProcessDied) as failed:
            raise AssertionError(f"{failed}\n{self.output()}") from None


class ProcessDied(Exception):
    """A process the test needs running has exited."""
