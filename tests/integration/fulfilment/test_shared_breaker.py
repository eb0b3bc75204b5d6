"""Two server processes on one Redis see one breaker: opened by one, it refuses in the other."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from django.conf import settings

from emporium.fulfilment import bootstrap
from emporium.fulfilment.adapters.tracker import HttpShipmentTracker
from emporium.fulfilment.application.breaker import BreakerState
from emporium.fulfilment.application.errors import ServiceUnavailable
from tests.integration.fulfilment.fake_service import BROKEN, FakeService

pytestmark = pytest.mark.redis

ROOT = Path(__file__).resolve().parents[3]
LINK_SETTINGS = (
    "FULFILMENT_SERVICE_URLS",
    "FULFILMENT_SERVICE_KEY",
    "FULFILMENT_RETRY_BACKOFF_SECONDS",
    "FULFILMENT_RETRY_BACKOFF_MAX_SECONDS",
    "FULFILMENT_RETRY_JITTER_SECONDS",
)


def other_process(calls: int) -> dict[str, Any]:
    """Run another process of the link against the same cache; return what it saw."""
    order = {
        "platform_prefix": settings.CACHES["platform"]["KEY_PREFIX"],
        "settings": {name: getattr(settings, name) for name in LINK_SETTINGS},
        "calls": calls,
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.integration.fulfilment.other_process"],
        input=json.dumps(order),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_a_breaker_opened_in_another_process_refuses_here_at_once(
    service: FakeService, link_settings: Any
) -> None:
    service.default = BROKEN

    there = other_process(calls=5)

    # The call that opened it already says to wait the whole cooldown.
    assert there == {"before": "closed", "after": "open", "outcomes": [1, 1, 1, 1, 30]}
    assert len(service.api_requests()) == 15
    assert bootstrap.breaker_status().state is BreakerState.OPEN
    with pytest.raises(ServiceUnavailable) as refused:
        HttpShipmentTracker(bootstrap.link().client).shipment("acme", uuid4())
    assert 25 <= refused.value.retry_after <= 30
    assert len(service.api_requests()) == 15


def test_a_breaker_opened_here_refuses_in_another_process(
    service: FakeService, link_settings: Any
) -> None:
    service.default = BROKEN
    tracker = HttpShipmentTracker(bootstrap.link().client)
    for _ in range(5):
        with pytest.raises(ServiceUnavailable):
            tracker.shipment("acme", uuid4())

    there = other_process(calls=2)

    assert there["before"] == "open"
    assert all(isinstance(wait, int) and 25 <= wait <= 30 for wait in there["outcomes"])
    assert len(service.api_requests()) == 15
