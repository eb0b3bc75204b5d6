"""Fixtures: the broker (or a loud skip), a signing client, a stdlib receiver for pushed events."""

from __future__ import annotations

import json
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings
from django.db import connection

from shipments.signing import signed_headers

REQUIRE_SERVICES = os.environ.get("FULFILMENT_REQUIRE_SERVICES", "") not in ("", "0")
BROKER_URL = os.environ.get("FULFILMENT_BROKER_URL", "").strip()
_skipped_for_services: dict[str, int] = {}


def need_service(name: str, reason: str) -> None:
    """Skip the test for want of ``name``, or fail it when FULFILMENT_REQUIRE_SERVICES=1."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (FULFILMENT_REQUIRE_SERVICES=1)")
    _skipped_for_services[name] = _skipped_for_services.get(name, 0) + 1
    pytest.skip(reason)


@pytest.fixture
def broker_url() -> str:
    """Return the RabbitMQ URL of the run; without one, skip loudly (or fail when required)."""
    if not BROKER_URL:
        need_service("RabbitMQ", "FULFILMENT_BROKER_URL is not set: broker test not run")
    return BROKER_URL


@pytest.fixture
def postgres() -> None:
    """Require PostgreSQL as the test database; skip loudly (or fail when required)."""
    if connection.vendor != "postgresql":
        need_service("PostgreSQL", "FULFILMENT_DATABASE_URL is not PostgreSQL: test not run")


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Name the database and the broker the run uses."""
    database = os.environ.get("FULFILMENT_DATABASE_URL", "") or "SQLite (default)"
    return [
        f"fulfilment database: {database.split('@')[-1]}",
        f"fulfilment broker: {BROKER_URL.split('@')[-1] if BROKER_URL else 'none'}",
    ]


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Say loudly which tests did not run for want of a service."""
    if not _skipped_for_services:
        return
    terminalreporter.write_sep("!", "SERVICES MISSING: TESTS NOT RUN", red=True, bold=True)
    for name, count in sorted(_skipped_for_services.items()):
        terminalreporter.write_line(f"  {count} test(s) skipped: {name} not configured", red=True)
    terminalreporter.write_line(
        "  Set FULFILMENT_DATABASE_URL=postgres://... and FULFILMENT_BROKER_URL=amqp://... to run "
        "them; FULFILMENT_REQUIRE_SERVICES=1 turns these skips into failures.",
        red=True,
    )
    terminalreporter.write_sep("!", red=True, bold=True)


class SignedClient:
    """A Django test client that signs each request with the link's key, as Emporium does."""

    def __init__(self, client, key: str):
        self.client = client
        self.key = key

    def get(self, path: str, tenant: str | None = "acme", now: float | None = None):
        """GET ``path`` signed for ``tenant``."""
        headers = signed_headers(self.key, "GET", path, tenant, b"", now=now)
        return self.client.get(path, headers=headers)

    def post_json(self, path: str, body: bytes, tenant: str | None = None, **extra):
        """POST ``body`` signed, as JSON."""
        headers = signed_headers(self.key, "POST", path, tenant, body)
        headers.update(extra)
        return self.client.generic("POST", path, body, "application/json", headers=headers)


@pytest.fixture
def signed(client) -> SignedClient:
    """Return a client that signs its requests with the service's key."""
    return SignedClient(client, django_settings.FULFILMENT_SERVICE_KEY)


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        """Return the body parsed."""
        return json.loads(self.body)


@dataclass
class Receiver:
    """A stdlib HTTP server in a thread standing in for Emporium's ``/internal/events/``."""

    url: str
    requests: list[Received] = field(default_factory=list)
    #: Statuses to answer, in turn; 204 once they run out.
    statuses: list[int] = field(default_factory=list)
    #: Tenants whose every envelope is refused, with the status (before ``statuses``).
    refused_tenants: dict[str, int] = field(default_factory=dict)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Run a receiver on a free loopback port for the test."""
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.requests.append(Received(self.path, dict(self.headers.items()), body))
            refused = state.refused_tenants.get(self.headers.get("X-Tenant", ""))
            status = refused or (state.statuses.pop(0) if state.statuses else 204)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_port}/internal/events/"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def suffix() -> str:
    """Return a suffix that makes the names a test declares on the shared broker its own."""
    return f"test-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def unused_port() -> int:
    """Return a loopback port nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
