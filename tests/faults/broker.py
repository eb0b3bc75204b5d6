"""Stop and start the local RabbitMQ node; ``python -m tests.faults.broker`` restores it.

Stopping writes a flag file first and starting removes it after the node answers, so a run
that died with the broker down (even one killed outright) is repaired by the next run.

The node is shared: other checkouts, servers and test runs on the machine use it. So it is
stopped only where that was asked for: under CI (``CI=true``), with
``EMPORIUM_FAULTS_MAY_STOP_BROKER=1``, or when this process started the node itself.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672//"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: Machine-wide like the broker itself, not per checkout.
STOPPED_FLAG = Path(tempfile.gettempdir()) / "emporium-faults-stopped-rabbitmq"
START_DEADLINE = 120.0
#: The opt-in that lets the fault tests stop a node they did not start (outside CI).
MAY_STOP = "EMPORIUM_FAULTS_MAY_STOP_BROKER"
#: Whether this process started the node (then it is ours to stop).
_started_here = False


class NotOurBroker(RuntimeError):
    """Stopping the node was refused: it is shared, and nobody allowed stopping it."""


def on_ci(env: Mapping[str, str]) -> bool:
    """Return whether ``env`` is a CI run (``CI=true``, as CI services set it)."""
    return env.get("CI", "").lower() in ("true", "1")


def may_stop(env: Mapping[str, str], started_here: bool) -> bool:
    """Return whether the fault tests may shut the node down.

    Yes under CI, which starts its own services; yes with the opt-in; yes when this run
    started the node. Otherwise the node is someone else's (a server, another test run).
    """
    return on_ci(env) or env.get(MAY_STOP, "") == "1" or started_here


def started_here() -> bool:
    """Return whether this process started the node (``start``)."""
    return _started_here


def refusal(url: str) -> str:
    """Return the reason given when the fault tests will not stop the node at ``url``."""
    return (
        f"the fault tests shut down the RabbitMQ node at {url}, which they did not start and "
        f"others may be using; set {MAY_STOP}=1 (or CI=true) to let them"
    )


def controllable(url: str) -> bool:
    """Return whether ``url`` names a broker on this machine that ``rabbitmqctl`` can stop."""
    return urlsplit(url).hostname in LOCAL_HOSTS and shutil.which("rabbitmqctl") is not None


def answers(url: str = DEFAULT_URL, timeout: float = 1.0) -> bool:
    """Return whether the broker's AMQP port accepts a connection."""
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 5672), timeout=timeout):
            return True
    except OSError:
        return False


def stop(url: str = DEFAULT_URL, env: Mapping[str, str] = os.environ) -> None:
    """Shut the whole node down (the Erlang VM too) and wait for its process to exit.

    Refused (``NotOurBroker``) unless ``may_stop``: the last guard, whatever the caller did.
    """
    if not may_stop(env, _started_here):
        raise NotOurBroker(refusal(url))
    STOPPED_FLAG.touch()
    subprocess.run(["rabbitmqctl", "shutdown"], check=True, capture_output=True, timeout=120)


def start(url: str = DEFAULT_URL) -> None:
    """Start the node detached and wait until it has booted and its port answers."""
    global _started_here
    subprocess.run(["rabbitmq-server", "-detached"], check=False, capture_output=True, timeout=60)
    deadline = time.monotonic() + START_DEADLINE
    # Right after -detached the node is not reachable yet and await_startup fails at once.
    while True:
        waited = subprocess.run(
            ["rabbitmqctl", "await_startup", "--timeout", "30"],
            check=False,
            capture_output=True,
            timeout=60,
        )
        if waited.returncode == 0 and answers(url):
            break
        if time.monotonic() > deadline:
            raise TimeoutError(f"RabbitMQ did not start: {waited.stderr.decode()[-500:]}")
        time.sleep(0.5)
    _started_here = True
    STOPPED_FLAG.unlink(missing_ok=True)


def ensure_running(url: str = DEFAULT_URL) -> bool:
    """Start the broker if a fault test left it stopped or it does not answer; return if started."""
    if not controllable(url) or (answers(url) and not STOPPED_FLAG.exists()):
        return False
    if not answers(url):
        start(url)
    STOPPED_FLAG.unlink(missing_ok=True)
    return True


def restore_if_left_stopped(url: str = DEFAULT_URL) -> bool:
    """Start the broker only if a fault test stopped it and did not start it again."""
    if not STOPPED_FLAG.exists():
        return False
    return ensure_running(url)


if __name__ == "__main__":
    if restore_if_left_stopped():
        print("restarted the RabbitMQ node a fault test left stopped", file=sys.stderr)
