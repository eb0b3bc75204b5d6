"""``manage.py serve`` (the server of ``make run``) and ``manage.py run_periodic`` beside it."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest

from emporium.infrastructure.management.commands.run_periodic import Job, jobs_from, run_due
from emporium.infrastructure.management.commands.serve import banner, port_in_use

ROOT = Path(__file__).resolve().parents[3]
SCHEDULE = {
    "sweep": {"task": "ordering.sweep", "schedule": 60.0},
    "relay": {"task": "infrastructure.relay", "schedule": 2.0, "options": {"expires": 10}},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port something else listens on."""
    with socket.socket() as server:
        server.bind(("0.0.0.0", 0))  # noqa: S104  (as runserver binds)
        server.listen()
        yield int(server.getsockname()[1])


# --- banner and port ------------------------------------------------------------------------


def test_the_banner_names_the_urls_on_the_port_it_serves() -> None:
    lines = banner(8123).splitlines()

    assert "  Emporium is serving on http://localhost:8123" in lines
    text = "\n".join(lines)
    for url in [
        "http://localhost:8123/api/docs/",
        "http://localhost:8123/api/schema/",
        "http://acme.localhost:8123/admin/",
        "http://localhost:8123/admin/",
        "http://localhost:8123/healthz",
        "http://localhost:8123/readyz",
        "http://127.0.0.1:8100/healthz",  # the fulfilment service, on FULFILMENT_PORT
    ]:
        assert url in text
    assert "X-Tenant: acme" in text
    assert "8000" not in text
    assert max(len(line) for line in lines) <= 100


def test_the_banner_follows_the_base_domain() -> None:
    assert "http://acme.shop.test:9000/admin/" in banner(9000, "shop.test")


def test_a_port_something_listens_on_is_in_use(taken_port: int) -> None:
    assert port_in_use(taken_port)


def test_a_free_port_is_not_in_use() -> None:
    assert not port_in_use(free_port())


# --- periodic jobs --------------------------------------------------------------------------


def test_every_job_is_first_due_at_once() -> None:
    assert jobs_from(SCHEDULE, now=100.0) == [
        Job("sweep", "ordering.sweep", 60.0, 100.0),
        Job("relay", "infrastructure.relay", 2.0, 100.0),
    ]


def test_jobs_can_be_left_out_by_name() -> None:
    assert [job.name for job in jobs_from(SCHEDULE, now=0.0, skip={"relay"})] == ["sweep"]


def test_a_job_runs_when_due_and_then_after_its_interval() -> None:
    jobs = jobs_from(SCHEDULE, now=100.0)
    ran: list[str] = []

    first = run_due(jobs, 100.0, run=ran.append)
    early = run_due(jobs, 101.0, run=ran.append)
    relay_again = run_due(jobs, 102.0, run=ran.append)
    both_again = run_due(jobs, 160.0, run=ran.append)

    assert (first, early, relay_again, both_again) == (
        ["sweep", "relay"],
        [],
        ["relay"],
        ["sweep", "relay"],
    )
    assert ran == [
        "ordering.sweep",
        "infrastructure.relay",
        "infrastructure.relay",
        "ordering.sweep",
        "infrastructure.relay",
    ]


def test_a_failing_job_is_logged_and_runs_again_at_its_next_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    jobs = jobs_from(SCHEDULE, now=0.0)

    def run(task: str) -> None:
        if task == "ordering.sweep":
            raise RuntimeError("database is locked")

    with caplog.at_level(logging.ERROR):
        assert run_due(jobs, 0.0, run=run) == ["sweep", "relay"]

    assert [job.due for job in jobs] == [60.0, 2.0]
    assert [r.getMessage() for r in caplog.records] == ["periodic task ordering.sweep failed"]


def test_every_scheduled_task_is_registered_in_a_process_of_its_own(tmp_path: Path) -> None:
    # A fresh process, as run_periodic is: nothing else has imported the tasks modules.
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from emporium.infrastructure.management.commands.run_periodic import registered_tasks; "
        "wanted = {entry['task'] for entry in settings.CELERY_BEAT_SCHEDULE.values()}; "
        "print(sorted(wanted - registered_tasks()), bool(wanted))"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=embedded_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.strip() == "[] True", result.stderr


# --- the command as a process ---------------------------------------------------------------


def embedded_env(tmp_path: Path) -> dict[str, str]:
    """The embedded default: no service URLs, SQLite in ``tmp_path`` (serve needs no tables)."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "REDIS_", "CELERY_", "PORT"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        SQLITE_PATH=str(tmp_path / "serve.sqlite3"),
        PYTHONUNBUFFERED="1",
        # The fulfilment service that serve starts: a free port and a database of its own.
        FULFILMENT_PORT=str(free_port()),
        FULFILMENT_DATABASE_URL=f"sqlite:///{tmp_path / 'fulfilment.sqlite3'}",
    )
    return env


def serve(
    port: int, tmp_path: Path, log: IO[str], env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env or embedded_env(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )


def descendants(pid: int) -> set[int]:
    """Return the pids of ``pid``'s children, their children, and so on."""
    found: set[int] = set()
    parents = [pid]
    while parents:
        listed = subprocess.run(
            ["pgrep", "-P", ",".join(map(str, parents))], capture_output=True, text=True
        )
        parents = [int(line) for line in listed.stdout.split()]
        found.update(parents)
    return found


def alive(pid: int) -> bool:
    """Return whether ``pid`` runs (a zombie waiting for its reaper has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def get(port: int, path: str) -> int:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        return connection.getresponse().status
    finally:
        connection.close()


def test_serve_prints_the_banner_once_the_server_answers_and_stops_every_child(
    tmp_path: Path,
) -> None:
    port = free_port()
    with (tmp_path / "serve.log").open("w+") as log:
        embedded = embedded_env(tmp_path)
        process = serve(port, tmp_path, log, embedded)
        try:
            assert process.stdout is not None
            lines: list[str] = []
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                line = process.stdout.readline()
                if not line:
                    break
                lines.append(line.rstrip("\n"))
                if "Emporium is serving on" in line:
                    # The banner is printed only once the server answers: it answers now.
                    assert get(port, "/healthz") == 200
                    break
            assert f"  Emporium is serving on http://localhost:{port}" in lines, lines
            children = descendants(process.pid)
            commands = {
                Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ") for pid in children
            }
            assert any(f"runserver 0.0.0.0:{port}" in command for command in commands), commands
            assert any("run_periodic" in command for command in commands), commands
            service_port = int(embedded["FULFILMENT_PORT"])
            assert any(
                f"services/fulfilment/manage.py serve --port {service_port}" in command
                for command in commands
            ), commands

            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0

            deadline = time.monotonic() + 10
            while any(alive(pid) for pid in children) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert [pid for pid in children if alive(pid)] == []
            assert not port_in_use(port)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_serve_refuses_a_port_in_use_before_starting_anything(
    taken_port: int, tmp_path: Path
) -> None:
    with (tmp_path / "serve.log").open("w+") as log:
        process = serve(taken_port, tmp_path, log)
        out, _ = process.communicate(timeout=60)
        log.seek(0)
        errors = log.read()

    assert process.returncode == 1
    assert f"port {taken_port} is already in use" in errors
    assert f"PORT={taken_port + 1} make run" in errors
    assert "Emporium is serving" not in out
    assert "runserver" not in errors
