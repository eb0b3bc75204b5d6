"""A stand-in for the fulfilment service: a real HTTP server on a free port, in a thread.

Each API request takes the next scripted answer (then the default one); every request is
recorded with whether its signature verified. ``stop()`` closes the port, so that connections
are refused.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from emporium.fulfilment.adapters.signing import verify


@dataclass(frozen=True)
class Answer:
    """What the service answers: a status, a JSON document, after ``delay`` seconds."""

    status: int = 200
    document: Any = None
    delay: float = 0.0


def shipped(order_id: object) -> Answer:
    return Answer(
        200,
        {
            "order_id": str(order_id),
            "status": "shipped",
            "carrier": "DHL",
            "tracking_number": "JD014600003SE",
            "shipped_at": "2026-12-03T10:15:00Z",
            "events": [
                {
                    "status": "pending",
                    "occurred_at": "2026-12-02T09:00:00.250000Z",
                    "description": "Received at the warehouse",
                },
                {
                    "status": "shipped",
                    "occurred_at": "2026-12-03T11:15:00+01:00",
                    "description": "Handed to DHL",
                },
            ],
        },
    )


NOT_FOUND = Answer(
    404,
    {
        "type": "https://fulfilment.example/problems/shipment-not-found",
        "title": "Shipment not found",
        "status": 404,
    },
)
BROKEN = Answer(500, {"type": "about:blank", "status": 500})


@dataclass(frozen=True)
class Seen:
    """A request the service received."""

    method: str
    path: str
    tenant: str | None
    signed: bool
    body: bytes = b""


@dataclass
class FakeService:
    key: str
    default: Answer = field(default_factory=lambda: NOT_FOUND)
    health: int = 200
    seen: list[Seen] = field(default_factory=list)
    health_checks: int = 0

    def __post_init__(self) -> None:
        self._script: deque[Answer] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a handler still sleeping does not hold stop()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def answer(self, *answers: Answer) -> None:
        """Answer the next API requests with ``answers``, in order, then with the default."""
        with self._lock:
            self._script.extend(answers)

    def api_requests(self) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.seen if seen.path != "/healthz"]

    def stop(self) -> None:
        """Close the port: every connection from now on is refused."""
        self._server.shutdown()
        self._server.server_close()

    def _next(self, seen: Seen) -> Answer:
        with self._lock:
            self.seen.append(seen)
            if seen.path == "/healthz":
                self.health_checks += 1
                return Answer(self.health, {"status": "ok" if self.health == 200 else "down"})
            if not seen.signed:
                return Answer(401, {"type": "invalid-signature", "status": 401})
            return self._script.popleft() if self._script else self.default


def _handler(service: FakeService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

        def _serve(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            signed = verify(service.key, self.command, self.path, body, self.headers)
            answer = service._next(
                Seen(self.command, self.path, self.headers["X-Tenant"], signed, body)
            )
            if answer.delay:
                time.sleep(answer.delay)
            payload = json.dumps(answer.document).encode()
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up waiting (a timeout under test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
