"""The link under hostile input and long outages: clear answers, nothing left running or lost."""

from __future__ import annotations

import socket
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from emporium.fulfilment import bootstrap
from emporium.fulfilment.adapters.link_consumers import LINK_CONSUMER
from emporium.infrastructure.management.commands import serve
from emporium.infrastructure.messaging.inbox import ConsumerRegistry
from emporium.infrastructure.messaging.models import DeliveryFailure
from emporium.infrastructure.messaging.retries import RetryPolicy, consume_or_record, retry_due
from tests.integration.fulfilment.fake_service import FakeService
from tests.integration.fulfilment.test_link_events import (
    ADDRESS,
    ann,  # noqa: F401  (a fixture)
    envelope_of,
    paid_order,
)


@pytest.mark.django_db
@pytest.mark.parametrize("stamp", ["1" + "0" * 400, "9" * 5000, "\uff11\uff12\uff13"])
def test_a_hostile_timestamp_on_internal_events_is_401(link_settings: Any, stamp: str) -> None:
    response = Client(raise_request_exception=False).post(
        "/internal/events/",
        b"{}",
        content_type="application/json",
        headers={"X-Service-Timestamp": stamp, "X-Service-Signature": "v1=00"},
    )

    assert response.status_code == 401
    assert response.json()["type"].endswith("/not-authenticated")


@pytest.mark.django_db
def test_a_content_length_that_is_no_number_is_400(link_settings: Any) -> None:
    response = Client(raise_request_exception=False).post(
        "/internal/events/", b"{}", content_type="application/json", CONTENT_LENGTH="abc"
    )

    assert response.status_code == 400
    assert response.json()["type"].endswith("/malformed-request")


@pytest.mark.django_db(transaction=True)
def test_a_push_while_the_service_is_away_is_retried_without_ever_being_given_up(
    ann: Any,  # noqa: F811
    service: FakeService,
    link_settings: Any,
) -> None:
    acme, customer = ann
    service.stop()  # before the payment: without a broker its commit pushes at once
    envelope = envelope_of("ordering.fulfilment_requested", paid_order(acme, customer, ADDRESS))
    registry = ConsumerRegistry()
    registry.register(LINK_CONSUMER, envelope.type, bootstrap._forward)
    # Due at once, and fewer attempts than the outage lasts.
    policy = RetryPolicy(attempts=2, backoff=timedelta(0))

    assert consume_or_record(LINK_CONSUMER, envelope, bootstrap._forward, policy) is False
    for _ in range(4):
        retry_due(registry, policy, consumers=[LINK_CONSUMER])

    row = DeliveryFailure.objects.get(consumer=LINK_CONSUMER, event_id=envelope.id)
    assert (row.status, row.attempts) == (DeliveryFailure.RETRYING, 0)
    assert row.last_error.startswith("PartnerUnavailable: the fulfilment service is away")


class _Child:
    """A started child that records whether it was stopped."""

    def __init__(self) -> None:
        self.returncode: int | None = None

    def poll(self) -> int | None:
        return self.returncode

    def terminate(self) -> None:
        self.returncode = -15

    kill = terminate

    def wait(self, timeout: float | None = None) -> int:
        return -15


def test_make_run_starts_nothing_when_the_fulfilment_port_is_taken(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[_Child] = []

    def start(command: list[str]) -> _Child:
        started.append(_Child())
        return started[-1]

    monkeypatch.setattr(serve.Command, "_start", staticmethod(start))
    monkeypatch.setattr(serve, "FULFILMENT_PYTHON", Path(sys.executable))
    with socket.socket() as taken, socket.socket() as probe:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        probe.bind(("127.0.0.1", 0))
        settings.FULFILMENT_PORT = taken.getsockname()[1]
        free = probe.getsockname()[1]
        probe.close()

        with pytest.raises(CommandError, match="fulfilment service's"):
            call_command("serve", port=free)

    assert started == []  # runserver was not started, so nothing holds the port
