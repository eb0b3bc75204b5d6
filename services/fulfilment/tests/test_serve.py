"""``manage.py serve`` end to end: HTTP and the loops in one process, stopped by SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from shipments.signing import signed_headers, verify
from tests import envelopes

SERVICE = Path(__file__).resolve().parents[1]
KEY = "serve-test-key"


def _request(url: str, method: str, path: str, body: bytes = b"", tenant: str | None = None):
    headers = {
        "Content-Type": "application/json",
        **signed_headers(KEY, method, path, tenant, body),
    }
    request = urllib.request.Request(url + path, data=body or None, headers=headers, method=method)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=2) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _wait_for(condition, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_serve_takes_a_request_ships_it_reports_it_and_stops_on_sigterm(
    tmp_path, receiver, unused_port
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fulfilment_service.settings",
        "FULFILMENT_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "FULFILMENT_BROKER_URL": "",
        "EMPORIUM_EVENTS_URL": receiver.url,
        "FULFILMENT_SERVICE_KEY": KEY,
        "FULFILMENT_SHIP_AFTER_SECONDS": "0",
        "FULFILMENT_POLL_SECONDS": "0.1",
    }
    manage = [sys.executable, str(SERVICE / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=env, check=True, timeout=60)
    server = subprocess.Popen(
        [*manage, "serve", "--port", str(unused_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{unused_port}"
    try:
        _wait_for(lambda: _request(url, "GET", "/healthz")[0] == 200)
        request = envelopes.fulfilment_requested(tenant="acme")

        status, _ = _request(url, "POST", "/internal/events/", request.to_json(), "acme")

        assert status == 204
        pushed = _wait_for(lambda: receiver.requests)[0]
        assert verify(KEY, pushed.headers, "POST", "/internal/events/", pushed.body)
        dispatched = pushed.json()
        assert dispatched["type"] == "fulfilment.shipment_dispatched"
        assert dispatched["aggregate_id"] == request.aggregate_id
        status, body = _request(
            url, "GET", f"/api/v1/shipments/{request.aggregate_id}/", b"", "acme"
        )
        assert status == 200
        shipment = json.loads(body)
        assert shipment["status"] == "shipped"
        assert shipment["tracking_number"] == dispatched["payload"]["tracking_number"]
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(20)
    assert code == 0
