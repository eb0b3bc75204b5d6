"""Stop and start the local RabbitMQ node; ``python -m tests.faults.broker`` restores it.

Stopping writes a flag file first and starting removes it after the node answers, so a run
that died with the broker down (even one killed outright) is repaired by the next run.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_URL = "amqp://guest:guest@127.0.0.1:5672//"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
#: Machine-wide like the broker itself, not per checkout.
STOPPED_FLAG = Path(tempfile.gettempdir()) / "emporium-faults-stopped-rabbitmq"
START_DEADLINE = 120.0


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


def stop() -> None:
    """Shut the whole node down (the Erlang VM too) and wait for its process to exit."""
    STOPPED_FLAG.touch()
    subprocess.run(["rabbitmqctl", "shutdown"], check=True, capture_output=True, timeout=120)


def start(url: str = DEFAULT_URL) -> None:
    """Start the node detached and wait until it has booted and its port answers."""
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
