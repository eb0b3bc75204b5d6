"""README's "Your first hour", run as written against ``manage.py serve`` on the embedded default.

The section's shell blocks are joined into one script and run with bash; only the port changes
(8000 becomes a free one). Then what the owner, the customer and the operator did is checked.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.integration.infrastructure.test_serve import ROOT, embedded_env, free_port, serve

README = ROOT / "README.md"


def first_hour_script() -> str:
    """Return the shell blocks of README's "Your first hour", in order, as one script."""
    text = README.read_text()
    section = text.split("## Your first hour", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 4, (
        "the section has the owner's, the customer's, the refund's and the operator's"
    )
    return "\n".join(blocks)


def api(port: int, path: str, token: str | None = None, body: Any = None) -> Any:
    headers = {"Host": "localhost", "X-Tenant": "acme", "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/{path}", data=data, headers=headers
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (loopback only)
        return json.load(answer)


def today_totals(port: int, token: str) -> dict[str, Any]:
    today = time.strftime("%Y-%m-%d", time.gmtime())
    return dict(api(port, f"analytics/sales/?from={today}&to={today}", token)["totals"])


def test_the_first_hour_works_as_written(tmp_path: Path) -> None:
    env = embedded_env(tmp_path)
    manage = [sys.executable, "manage.py"]
    for step in (["setup_database", "--verbosity", "0"], ["seed_demo"]):
        subprocess.run([*manage, *step], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    script = first_hour_script().replace("localhost:8000", f"localhost:{port}")
    # What the test reads back: the values the README's commands captured.
    script += '\necho "RESULT $OWNER $TEAPOT $ORDER $PAYMENT"\n'
    with (tmp_path / "serve.log").open("w+") as log:
        server = serve(port, tmp_path, log)
        try:
            assert server.stdout is not None
            deadline = time.monotonic() + 60
            while "Emporium is serving on" not in server.stdout.readline():
                assert server.poll() is None, "serve exited"
                assert time.monotonic() < deadline, "serve did not answer within 60 s"
            credentials = {"email": "owner@acme.example", "password": "demo-owner-pass"}
            staff = api(port, "auth/token/", body=credentials)["token"]
            before = today_totals(port, staff)
            run = subprocess.run(
                ["bash", "-euo", "pipefail", "-c", script],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert run.returncode == 0, run.stdout + run.stderr
            owner, teapot, order_id, payment_id = run.stdout.split("RESULT ")[1].split()

            order = api(port, f"orders/{order_id}/", owner)
            stock = api(port, f"products/{teapot}/stock/", owner)
            after = today_totals(port, staff)
            payments = api(port, f"payments/?order={order_id}", owner)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

    assert (order["status"], order["total"]) == ("refunded", {"amount": "51.84", "currency": "USD"})
    assert order["payments"] == [payment_id]
    assert stock == {"on_hand": 5, "reserved": 0, "available": 5}
    # Today's figures: one more order and units, its total placed and refunded: net 0.
    cents = {
        key: int(Decimal(after[key]["amount"]) * 100 - Decimal(before[key]["amount"]) * 100)
        for key in ("revenue", "refunded")
    }
    assert (after["orders"] - before["orders"], after["units"] - before["units"]) == (1, 2)
    assert cents == {"revenue": 0, "refunded": 5184}
    [payment] = payments["results"]
    assert (payment["status"], len(payment["refunds"])) == ("refunded", 1)
    # The operator's commands: initech was created, listed, then suspended.
    assert "Created tenant initech" in run.stdout
    assert re.search(r"initech .*Initech", run.stdout)
    assert "Tenant initech is suspended." in run.stdout
