"""A fake fulfilment service on a real port, and the link's settings pointed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from emporium.fulfilment import bootstrap
from emporium.fulfilment.adapters.tracker import HttpShipmentTracker
from tests.integration.fulfilment.fake_service import FakeService

KEY = "link-key-under-test"


@pytest.fixture
def service() -> Iterator[FakeService]:
    running = FakeService(KEY)
    yield running
    running.stop()


@pytest.fixture
def other_service() -> Iterator[FakeService]:
    running = FakeService(KEY)
    yield running
    running.stop()


@pytest.fixture
def link_settings(settings: Any, service: FakeService) -> Iterator[Any]:
    """Point the link at ``service``, with short waits between tries."""
    settings.FULFILMENT_SERVICE_URLS = service.url
    settings.FULFILMENT_SERVICE_KEY = KEY
    settings.FULFILMENT_RETRY_BACKOFF_SECONDS = 0.01
    settings.FULFILMENT_RETRY_BACKOFF_MAX_SECONDS = 0.02
    settings.FULFILMENT_RETRY_JITTER_SECONDS = 0.01
    yield settings
    bootstrap.forget_link()


@pytest.fixture
def tracker(link_settings: Any) -> HttpShipmentTracker:
    return HttpShipmentTracker(bootstrap.link().client)
