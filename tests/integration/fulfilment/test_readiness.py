"""/readyz reports the fulfilment service as degraded, never as a reason to be unready."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.integration.fulfilment.fake_service import FakeService

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_verdicts(link_settings: Any) -> Any:
    # Every readiness probe asks the service again instead of reading the shared verdict.
    link_settings.FULFILMENT_HEALTH_CACHE_SECONDS = 0
    return link_settings


def test_a_service_that_answers_is_not_degraded(fresh_verdicts: Any) -> None:
    response = Client().get("/readyz")

    assert (response.status_code, response.json()["degraded"]) == (200, [])


def test_a_service_that_is_down_is_degraded_and_the_platform_still_ready(
    fresh_verdicts: Any, service: FakeService
) -> None:
    service.stop()

    response = Client().get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ready"
    assert response.json()["degraded"] == ["fulfilment"]
