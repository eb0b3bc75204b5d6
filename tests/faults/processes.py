"""Run ``manage.py`` commands as real processes on the test's own databases and broker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def command_env(**extra: str) -> dict[str, str]:
    """Return an environment that points a subprocess at the databases this test uses.

    The names come from ``settings.DATABASES``, not from the environment: a per-worker clone
    is renamed there after the settings read the URLs.
    """
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        DATABASE_URL=_with_database(settings.DATABASE_URL, settings.DATABASES["default"]["NAME"]),
        DATABASE_ADMIN_URL=_with_database(
            settings.DATABASE_ADMIN_URL, settings.DATABASES["admin"]["NAME"]
        ),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        REDIS_URL=settings.REDIS_URL,
        # Small pools: several of these processes share the server with the test.
        DATABASE_POOL_MIN_SIZE="1",
        DATABASE_ADMIN_POOL_MIN_SIZE="1",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(args: list[str], env: Mapping[str, str], log: IO[str]) -> subprocess.Popen[str]:
    """Start ``manage.py <args>``, its output appended to ``log``."""
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=dict(env),
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )


def kill(process: subprocess.Popen[str]) -> None:
    """SIGKILL ``process``: no handler, no finally, no clean close of its connections."""
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def stop(process: subprocess.Popen[str], timeout: float = 30.0) -> None:
    """Ask ``process`` to finish (SIGTERM), then kill it if it does not."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill(process)


class Supervised:
    """Keep one command running, starting it again whenever it exits, as a supervisor would."""

    def __init__(self, start: Callable[[], subprocess.Popen[str]]) -> None:
        self._start = start
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.process: subprocess.Popen[str] | None = None
        self.exit_codes: list[int] = []
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Supervised:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=60)
        with self._lock:
            if self.process is not None:
                stop(self.process)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                self.process = self._start()
            while self.process.poll() is None and not self._stop.wait(0.1):
                pass
            if self._stop.is_set():
                return
            self.exit_codes.append(self.process.returncode)
            time.sleep(0.5)  # a broker that is down refuses at once: do not spin


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``condition`` until true; return the seconds waited, or fail naming ``what``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.1)
    return time.monotonic() - started
