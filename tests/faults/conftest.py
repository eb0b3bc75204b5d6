"""Fault tests stop the shared broker: they run alone (``make test-faults``), never under xdist.

And only where stopping it was allowed (``broker.may_stop``): under CI, with
``EMPORIUM_FAULTS_MAY_STOP_BROKER=1``, or on a node the run starts itself. Elsewhere they are
skipped when collected, before any fixture runs, and the run ends with a banner saying so.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings

from tests.faults import broker

#: Starts the reason of a fault test skipped because the broker may not be stopped.
NOT_OURS = "broker not ours to stop:"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    faults = [item for item in items if item.get_closest_marker("faults")]
    # Beside other tests a broker restart would fail theirs; the Makefile deselects these too.
    if os.environ.get("PYTEST_XDIST_WORKER"):
        serial_only = pytest.mark.skip(reason="fault tests run serially: make test-faults")
        for item in faults:
            item.add_marker(serial_only)
        return
    url = settings.CELERY_BROKER_URL
    # A node that does not answer yet is one the run would start (local_broker), so its own.
    if faults and url and not broker.may_stop(os.environ, started_here=not broker.answers(url)):
        not_ours = pytest.mark.skip(reason=f"{NOT_OURS} {broker.refusal(url)}")
        for item in faults:
            item.add_marker(not_ours)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say loudly that fault tests were skipped to spare the shared broker, and how to run them."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if NOT_OURS in str(getattr(report, "longrepr", ""))
    ]
    if not skipped:
        return
    terminalreporter.write_sep("!", "FAULT TESTS SKIPPED", red=True, bold=True)
    terminalreporter.write_line(
        f"{len(skipped)} fault tests were SKIPPED: their tier shuts the shared RabbitMQ down.",
        red=True,
        bold=True,
    )
    terminalreporter.write_line(
        f"Set {broker.MAY_STOP}=1 (CI sets CI=true) to run them; see README.md.", red=True
    )


@pytest.fixture
def local_broker() -> Iterator[None]:
    """Need a broker this machine can stop; make sure it is up before and after the test."""
    url = settings.CELERY_BROKER_URL
    if not broker.controllable(url):
        reason = "the fault tests stop and start a local RabbitMQ with rabbitmqctl"
        # Where the services are required under CI, a fault test that cannot run is a failure.
        if os.environ.get("EMPORIUM_REQUIRE_SERVICES") == "1" and broker.on_ci(os.environ):
            pytest.fail(f"{reason}; none is controllable at {url!r}")
        pytest.skip(reason)
    broker.ensure_running(url)
    # Checked again (collection did first): the node may have come up since, someone else's.
    if not broker.may_stop(os.environ, broker.started_here()):
        pytest.skip(f"{NOT_OURS} {broker.refusal(url)}")
    try:
        yield
    finally:
        broker.ensure_running(url)


@pytest.fixture
def report(capsys: pytest.CaptureFixture[str]) -> Callable[[str], None]:
    """Return a printer whose lines reach the terminal past the capture (the measurements)."""

    def write(line: str) -> None:
        with capsys.disabled():
            print(f"\n  {line}", end="")

    return write
