"""Fault tests stop the shared broker: they run alone (``make test-faults``), never under xdist."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest
from django.conf import settings

from tests.faults import broker


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Beside other tests a broker restart would fail theirs; the Makefile deselects these too.
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    serial_only = pytest.mark.skip(reason="fault tests run serially: make test-faults")
    for item in items:
        if item.get_closest_marker("faults"):
            item.add_marker(serial_only)


@pytest.fixture
def local_broker() -> Iterator[None]:
    """Need a broker this machine can stop; make sure it is up before and after the test."""
    url = settings.CELERY_BROKER_URL
    if not broker.controllable(url):
        reason = "the fault tests stop and start a local RabbitMQ with rabbitmqctl"
        # Where the services are required (CI), a fault test that cannot run is a failure.
        if os.environ.get("EMPORIUM_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason}; none is controllable at {url!r}")
        pytest.skip(reason)
    broker.ensure_running(url)
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
