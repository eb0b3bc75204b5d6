"""The link against a real HTTP server: retries, timeouts, the breaker, rotation, signatures."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest

from emporium.fulfilment import bootstrap
from emporium.fulfilment.adapters.http_client import ServiceClient
from emporium.fulfilment.adapters.tracker import HttpShipmentTracker
from emporium.fulfilment.application.breaker import BreakerState
from emporium.fulfilment.application.errors import ServiceUnavailable
from emporium.fulfilment.domain.tracking import Tracking, TrackingEvent
from tests.integration.fulfilment.conftest import KEY
from tests.integration.fulfilment.fake_service import (
    BROKEN,
    NOT_FOUND,
    Answer,
    FakeService,
    shipped,
)

ORDER = uuid4()


def unavailable(tracker: HttpShipmentTracker) -> int:
    """Ask for a shipment that the service cannot give; return the Retry-After."""
    with pytest.raises(ServiceUnavailable) as refused:
        tracker.shipment("acme", ORDER)
    return refused.value.retry_after


def breaker_counts() -> tuple[int, int]:
    status = bootstrap.breaker_status()
    return status.calls_in_window, status.failures_in_window


def test_a_shipment_is_read_signed_and_scoped_by_tenant(
    service: FakeService, tracker: HttpShipmentTracker
) -> None:
    service.answer(shipped(ORDER))

    tracking = tracker.shipment("acme", ORDER)

    assert tracking == Tracking(
        status="shipped",
        carrier="DHL",
        tracking_number="JD014600003SE",
        shipped_at=datetime(2026, 12, 3, 10, 15, tzinfo=UTC),
        events=(
            TrackingEvent(
                "pending",
                datetime(2026, 12, 2, 9, 0, 0, 250000, tzinfo=UTC),
                "Received at the warehouse",
            ),
            TrackingEvent("shipped", datetime(2026, 12, 3, 10, 15, tzinfo=UTC), "Handed to DHL"),
        ),
    )
    [seen] = service.api_requests()
    assert (seen.method, seen.path, seen.tenant, seen.signed) == (
        "GET",
        f"/api/v1/shipments/{ORDER}/",
        "acme",
        True,
    )


def test_a_404_is_no_shipment_tried_once_and_a_success_for_the_breaker(
    service: FakeService, tracker: HttpShipmentTracker
) -> None:
    service.answer(NOT_FOUND)

    assert tracker.shipment("acme", ORDER) is None
    assert len(service.api_requests()) == 1
    assert breaker_counts() == (1, 0)


def test_a_5xx_is_tried_three_times_and_counts_as_one_failure(
    service: FakeService, tracker: HttpShipmentTracker
) -> None:
    service.default = BROKEN

    assert unavailable(tracker) == 1
    assert len(service.api_requests()) == 3
    assert breaker_counts() == (1, 1)


def test_a_5xx_then_an_answer_is_a_success(
    service: FakeService, tracker: HttpShipmentTracker
) -> None:
    service.answer(BROKEN, Answer(503), shipped(ORDER))

    assert tracker.shipment("acme", ORDER) is not None
    assert len(service.api_requests()) == 3
    assert breaker_counts() == (1, 0)


@pytest.mark.parametrize("status", [400, 401, 403, 409, 422])
def test_other_4xx_answers_are_not_retried_and_not_failures_of_the_service(
    service: FakeService, tracker: HttpShipmentTracker, status: int
) -> None:
    service.answer(Answer(status, {"status": status}))

    unavailable(tracker)  # a link that gets 4xx is misconfigured: nothing to show the caller

    assert len(service.api_requests()) == 1
    assert breaker_counts() == (1, 0)


def test_an_answer_slower_than_the_read_timeout_is_tried_three_times(
    service: FakeService, link_settings: Any
) -> None:
    link_settings.FULFILMENT_READ_TIMEOUT = 0.3
    tracker = HttpShipmentTracker(bootstrap.link().client)
    service.default = Answer(200, shipped(ORDER).document, delay=1.0)

    started = time.monotonic()
    unavailable(tracker)
    elapsed = time.monotonic() - started

    assert len(service.api_requests()) == 3
    assert 0.9 <= elapsed < 2.5
    assert breaker_counts() == (1, 1)


def test_a_refused_connection_is_tried_three_times(
    service: FakeService, tracker: HttpShipmentTracker
) -> None:
    service.stop()

    assert unavailable(tracker) == 1
    assert breaker_counts() == (1, 1)


def test_the_timeouts_are_explicit(link_settings: Any) -> None:
    assert bootstrap.link().client.timeout == httpx.Timeout(
        connect=1.0, read=2.0, write=2.0, pool=1.0
    )


def test_tries_back_off_exponentially_with_jitter(service: FakeService, link_settings: Any) -> None:
    link = bootstrap.link()
    waits: list[float] = []
    client = ServiceClient(
        rotation=link.rotation,
        breaker=link.breaker,
        key=KEY,
        timeout=httpx.Timeout(2.0),
        sleep=waits.append,
    )
    service.default = BROKEN

    with pytest.raises(Exception, match="3 tries failed"):
        client.get(f"/api/v1/shipments/{ORDER}/", tenant="acme")

    first, second = waits
    assert 0.1 <= first <= 0.2
    assert 0.2 <= second <= 0.3


def open_the_breaker(service: FakeService, tracker: HttpShipmentTracker) -> None:
    service.default = BROKEN
    for _ in range(5):
        unavailable(tracker)
    assert bootstrap.breaker_status().state is BreakerState.OPEN


def test_five_failed_calls_open_the_breaker_which_then_answers_at_once(
    service: FakeService, tracker: HttpShipmentTracker
) -> None:
    open_the_breaker(service, tracker)
    assert len(service.api_requests()) == 15

    started = time.monotonic()
    retry_after = unavailable(tracker)

    assert time.monotonic() - started < 0.1
    assert len(service.api_requests()) == 15
    assert 29 <= retry_after <= 30


def test_after_the_cooldown_one_trial_reaches_the_service_and_closes_the_breaker(
    service: FakeService, link_settings: Any
) -> None:
    link_settings.FULFILMENT_BREAKER_COOLDOWN_SECONDS = 0.5
    tracker = HttpShipmentTracker(bootstrap.link().client)
    open_the_breaker(service, tracker)
    time.sleep(0.6)
    # The trial is slow, so that the second caller asks while it is under way.
    service.default = Answer(200, shipped(ORDER).document, delay=0.3)
    before = len(service.api_requests())
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def ask() -> None:
        start.wait()
        try:
            tracker.shipment("acme", ORDER)
            outcomes.append("answered")
        except ServiceUnavailable as exc:
            outcomes.append(f"refused, retry after {exc.retry_after}")

    callers = [threading.Thread(target=ask) for _ in range(2)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join(timeout=10)

    assert sorted(outcomes) == ["answered", "refused, retry after 1"]
    assert len(service.api_requests()) == before + 1
    assert bootstrap.breaker_status().state is BreakerState.CLOSED
    assert breaker_counts() == (0, 0)


def test_a_failed_trial_opens_the_breaker_for_a_new_cooldown(
    service: FakeService, link_settings: Any
) -> None:
    link_settings.FULFILMENT_BREAKER_COOLDOWN_SECONDS = 0.5
    tracker = HttpShipmentTracker(bootstrap.link().client)
    open_the_breaker(service, tracker)
    time.sleep(0.6)
    before = len(service.api_requests())

    unavailable(tracker)  # the trial: three tries, all 500

    assert len(service.api_requests()) == before + 3
    assert bootstrap.breaker_status().state is BreakerState.OPEN
    unavailable(tracker)
    assert len(service.api_requests()) == before + 3


def test_half_of_twenty_calls_failing_opens_the_breaker(
    service: FakeService, tracker: HttpShipmentTracker
) -> None:
    # Successes and failures alternate, so that no 5 failures are consecutive.
    for _ in range(10):
        service.answer(NOT_FOUND, BROKEN, BROKEN, BROKEN)
    for _ in range(9):
        assert tracker.shipment("acme", ORDER) is None
        unavailable(tracker)
    assert tracker.shipment("acme", ORDER) is None
    assert bootstrap.breaker_status().state is BreakerState.CLOSED  # 9 of 19

    unavailable(tracker)  # 10 of 20

    assert bootstrap.breaker_status().state is BreakerState.OPEN
    requests = len(service.api_requests())
    assert unavailable(tracker) >= 29
    assert len(service.api_requests()) == requests


def test_a_health_check_takes_an_instance_out_and_the_healthy_one_serves(
    service: FakeService, other_service: FakeService, link_settings: Any
) -> None:
    link_settings.FULFILMENT_SERVICE_URLS = f"{service.url}, {other_service.url}"
    tracker = HttpShipmentTracker(bootstrap.link().client)
    service.health = 503

    assert bootstrap.check_instances() == {service.url: False, other_service.url: True}
    for _ in range(4):
        assert tracker.shipment("acme", ORDER) is None

    assert service.api_requests() == []
    assert len(other_service.api_requests()) == 4


def test_an_instance_that_stopped_answering_health_checks_is_out(
    service: FakeService, other_service: FakeService, link_settings: Any
) -> None:
    link_settings.FULFILMENT_SERVICE_URLS = f"{service.url},{other_service.url}"
    tracker = HttpShipmentTracker(bootstrap.link().client)
    other_service.stop()

    assert bootstrap.check_instances() == {service.url: True, other_service.url: False}
    for _ in range(3):
        assert tracker.shipment("acme", ORDER) is None
    assert len(service.api_requests()) == 3


def test_a_failed_call_takes_its_instance_out_and_the_retry_goes_to_the_other(
    service: FakeService, other_service: FakeService, link_settings: Any
) -> None:
    link_settings.FULFILMENT_SERVICE_URLS = f"{service.url},{other_service.url}"
    tracker = HttpShipmentTracker(bootstrap.link().client)
    service.default = BROKEN

    for _ in range(4):
        assert tracker.shipment("acme", ORDER) is None

    assert len(service.api_requests()) == 1
    assert len(other_service.api_requests()) == 4
    assert breaker_counts() == (4, 0)


def test_with_every_instance_out_of_rotation_they_are_still_tried(
    service: FakeService, other_service: FakeService, link_settings: Any
) -> None:
    link_settings.FULFILMENT_SERVICE_URLS = f"{service.url},{other_service.url}"
    tracker = HttpShipmentTracker(bootstrap.link().client)
    service.health = other_service.health = 503
    assert bootstrap.check_instances() == {service.url: False, other_service.url: False}

    assert tracker.shipment("acme", ORDER) is None


def test_service_health_is_shared_for_a_few_seconds(
    service: FakeService, link_settings: Any
) -> None:
    assert bootstrap.service_health() is True
    service.health = 503
    assert bootstrap.service_health() is True  # the verdict of a moment ago
    assert service.health_checks == 1


def test_service_health_is_false_when_no_instance_answers(
    service: FakeService, link_settings: Any
) -> None:
    link_settings.FULFILMENT_HEALTH_CACHE_SECONDS = 0.2
    service.health = 500
    assert bootstrap.service_health() is False
    service.stop()
    time.sleep(0.3)

    assert bootstrap.service_health() is False


def test_the_service_refuses_a_wrong_key_and_that_is_not_an_outage(
    service: FakeService, link_settings: Any
) -> None:
    link_settings.FULFILMENT_SERVICE_KEY = "not-the-link-key"
    tracker = HttpShipmentTracker(bootstrap.link().client)

    unavailable(tracker)

    [seen] = service.api_requests()
    assert not seen.signed
    assert breaker_counts() == (1, 0)


def test_without_a_key_no_request_is_made(service: FakeService, link_settings: Any) -> None:
    link_settings.FULFILMENT_SERVICE_KEY = ""
    tracker = HttpShipmentTracker(bootstrap.link().client)

    unavailable(tracker)

    assert service.seen == []
    assert breaker_counts() == (0, 0)


def test_without_an_instance_the_call_fails_and_counts(link_settings: Any) -> None:
    link_settings.FULFILMENT_SERVICE_URLS = ""
    tracker = HttpShipmentTracker(bootstrap.link().client)

    unavailable(tracker)

    assert breaker_counts() == (1, 1)
    assert bootstrap.service_health() is False


def test_instances_can_come_from_a_services_file_read_again_when_it_changes(
    service: FakeService, other_service: FakeService, link_settings: Any, tmp_path: Any
) -> None:
    registry = tmp_path / "services.json"
    registry.write_text(f'{{"fulfilment": ["{service.url}/"]}}')
    link_settings.FULFILMENT_SERVICE_URLS = ""
    link_settings.EMPORIUM_SERVICES_FILE = str(registry)
    tracker = HttpShipmentTracker(bootstrap.link().client)

    assert tracker.shipment("acme", ORDER) is None
    registry.write_text(f'{{"fulfilment": ["{other_service.url}"], "other": []}}')
    assert tracker.shipment("acme", ORDER) is None
    registry.write_text("{half written")
    assert tracker.shipment("acme", ORDER) is None

    assert len(service.api_requests()) == 1
    assert len(other_service.api_requests()) == 2


@pytest.mark.parametrize(
    "document",
    [
        [],
        {"status": "shipped", "events": {}},
        {"status": "", "events": []},
        {"status": "shipped", "shipped_at": "yesterday", "events": []},
        {"status": "shipped", "shipped_at": "2026-12-03T10:15:00", "events": []},
        {"status": "shipped", "events": [{"status": "shipped"}]},
        {"status": "shipped", "carrier": 7, "events": []},
    ],
)
def test_a_document_that_is_not_a_shipment_is_unavailable_not_an_error(
    service: FakeService, tracker: HttpShipmentTracker, document: Any
) -> None:
    service.answer(Answer(200, document))

    unavailable(tracker)


def test_a_pending_shipment_has_no_carrier_yet(
    service: FakeService, tracker: HttpShipmentTracker
) -> None:
    service.answer(
        Answer(
            200,
            {
                "status": "pending",
                "carrier": None,
                "tracking_number": "",
                "shipped_at": None,
                "events": [],
            },
        )
    )

    assert tracker.shipment("acme", ORDER) == Tracking("pending", None, None, None, ())
