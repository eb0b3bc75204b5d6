"""Failed consumer work: retried with backoff, then recorded as failed and dead-lettered."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from emporium.infrastructure.messaging.inbox import ConsumerRegistry
from emporium.infrastructure.messaging.models import DeliveryFailure, InboxMessage
from emporium.infrastructure.messaging.publisher import InProcessPublisher
from emporium.infrastructure.messaging.relay import retry_in_process
from emporium.infrastructure.messaging.retries import RetryPolicy, retry_due
from emporium.shared_kernel.events import EventEnvelope
from tests.integration.messaging.test_relay import envelope
from tests.integration.notifications.test_order_confirmation import order_placed

NOW_AND_AGAIN = RetryPolicy(attempts=3, backoff=timedelta(0))


class Flaky:
    """A handler that fails its first ``failures`` calls, then succeeds; records every call."""

    def __init__(self, failures: int, pause: float = 0.0) -> None:
        self.failures = failures
        self.pause = pause
        self.calls: list[uuid.UUID] = []

    def __call__(self, item: EventEnvelope) -> None:
        self.calls.append(item.id)
        time.sleep(self.pause)
        if len(self.calls) <= self.failures:
            raise ConnectionRefusedError(f"refused on call {len(self.calls)}")


def registry_with(**handlers: Callable[[EventEnvelope], None]) -> ConsumerRegistry:
    registry = ConsumerRegistry()
    for name, handler in handlers.items():
        registry.register(name, "probe.thing_happened", handler)
    return registry


def make_due() -> None:
    DeliveryFailure.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.mark.django_db
def test_a_failure_is_recorded_with_its_backoff_and_the_other_consumers_go_on() -> None:
    flaky, steady = Flaky(failures=1), Flaky(failures=0)
    registry = registry_with(mailer=flaky, sales=steady)
    item = envelope(1)
    policy = RetryPolicy(attempts=5, backoff=timedelta(seconds=30))
    before = timezone.now()

    InProcessPublisher(registry, policy=policy).publish(item)  # does not raise

    failure = DeliveryFailure.objects.get()
    assert (failure.consumer, failure.event_id, failure.event_type) == (
        "mailer",
        item.id,
        "probe.thing_happened",
    )
    assert (failure.status, failure.attempts) == ("retrying", 1)
    assert failure.last_error == "ConnectionRefusedError: refused on call 1"
    assert failure.next_attempt_at is not None
    assert before + timedelta(seconds=30) <= failure.next_attempt_at
    assert failure.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    assert EventEnvelope.from_json(failure.envelope) == item
    assert steady.calls == [item.id]
    assert list(InboxMessage.objects.values_list("consumer", flat=True)) == ["sales"]

    # Not yet due: nothing runs.
    assert retry_due(registry, policy).tried == 0
    assert flaky.calls == [item.id]


@pytest.mark.django_db
def test_a_due_retry_that_succeeds_acts_once_and_clears_the_record() -> None:
    flaky = Flaky(failures=1)
    registry = registry_with(mailer=flaky)
    item = envelope(1)
    InProcessPublisher(registry, policy=NOW_AND_AGAIN).publish(item)
    make_due()

    outcome = retry_due(registry, NOW_AND_AGAIN)

    assert (outcome.succeeded, outcome.failed) == (1, 0)
    assert flaky.calls == [item.id, item.id]
    assert DeliveryFailure.objects.count() == 0
    assert InboxMessage.objects.filter(consumer="mailer", event_id=item.id).count() == 1
    assert retry_due(registry, NOW_AND_AGAIN).tried == 0


@pytest.mark.django_db
def test_spent_attempts_are_recorded_as_failed_dead_lettered_and_never_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hopeless = Flaky(failures=99)
    registry = registry_with(mailer=hopeless)
    dead: list[tuple[uuid.UUID, str, str]] = []

    class DeadLetters:
        def dead_letter(self, item: EventEnvelope, consumer: str, reason: str) -> None:
            dead.append((item.id, consumer, reason))

    item = envelope(1)
    InProcessPublisher(registry, policy=NOW_AND_AGAIN).publish(item)
    with caplog.at_level(logging.ERROR, logger="emporium.infrastructure.messaging.retries"):
        for _ in range(5):
            retry_due(registry, NOW_AND_AGAIN, dead_letters=DeadLetters())

    assert hopeless.calls == [item.id] * 3
    failure = DeliveryFailure.objects.get()
    assert (failure.status, failure.attempts, failure.next_attempt_at) == ("failed", 3, None)
    assert failure.last_error == "ConnectionRefusedError: refused on call 3"
    assert dead == [(item.id, "mailer", "ConnectionRefusedError: refused on call 3")]
    [gave_up] = [r for r in caplog.records if "gave up" in r.getMessage()]
    assert gave_up.event_id == str(item.id)  # type: ignore[attr-defined]
    assert not InboxMessage.objects.exists()


@pytest.mark.django_db
def test_a_consumer_no_longer_registered_counts_as_a_failed_attempt() -> None:
    item = envelope(1)
    InProcessPublisher(registry_with(mailer=Flaky(failures=1)), policy=NOW_AND_AGAIN).publish(item)
    make_due()

    outcome = retry_due(ConsumerRegistry(), NOW_AND_AGAIN)

    assert outcome.failed == 1
    failure = DeliveryFailure.objects.get()
    assert failure.attempts == 2
    assert failure.last_error == "LookupError: no consumer 'mailer' handles probe.thing_happened"


@pytest.mark.django_db
def test_a_failing_confirmation_email_is_sent_once_by_its_retry(
    acme_and_globex: Any, make_account: Any, settings: Any
) -> None:
    acme, _ = acme_and_globex
    ada = make_account(acme, "ada@example.com", "customer")
    placed = order_placed(str(ada.id))
    settings.EMPORIUM_DELIVERY_BACKOFF_SECONDS = 0
    settings.EMAIL_BACKEND = "tests.e2e.test_registration.RefusingEmailBackend"

    InProcessPublisher().publish(placed)
    assert mail.outbox == []
    assert DeliveryFailure.objects.get().consumer == "order-confirmation"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_in_process().succeeded == 1
    InProcessPublisher().publish(placed)  # a late duplicate delivery
    assert retry_in_process().tried == 0

    [confirmation] = mail.outbox
    assert confirmation.to == ["ada@example.com"]
    assert DeliveryFailure.objects.count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runners_at_once_run_a_retry_once() -> None:
    slow = Flaky(failures=1, pause=0.3)
    registry = registry_with(mailer=slow)
    item = envelope(1)
    InProcessPublisher(registry, policy=NOW_AND_AGAIN).publish(item)
    make_due()
    start = threading.Barrier(2)

    def run() -> None:
        start.wait()
        retry_due(registry, NOW_AND_AGAIN)

    runners = [threading.Thread(target=run) for _ in range(2)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=30)

    assert slow.calls == [item.id, item.id]  # the failed delivery and one retry
    assert DeliveryFailure.objects.count() == 0


@pytest.mark.django_db(transaction=True, databases=["default", "admin"])
def test_without_a_broker_relay_outbox_runs_the_due_retries(
    monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from emporium.infrastructure.messaging import publisher as publisher_module

    flaky = Flaky(failures=1)
    registry = registry_with(mailer=flaky)
    settings.CELERY_BROKER_URL = ""
    monkeypatch.setattr(publisher_module, "consumer_registry", lambda: registry)
    item = envelope(1)
    InProcessPublisher(registry, policy=NOW_AND_AGAIN).publish(item)
    make_due()
    out = StringIO()

    call_command("relay_outbox", "--once", stdout=out)

    assert "retried 1 failed deliveries, 1 ok" in out.getvalue()
    assert flaky.calls == [item.id, item.id]
    assert not DeliveryFailure.objects.exists()


@pytest.mark.django_db
def test_a_delivery_that_had_failed_for_good_gets_a_fresh_set_of_attempts() -> None:
    hopeless = Flaky(failures=99)
    registry = registry_with(mailer=hopeless)
    item = envelope(1)
    InProcessPublisher(registry, policy=NOW_AND_AGAIN).publish(item)
    for _ in range(2):
        retry_due(registry, NOW_AND_AGAIN)
    assert DeliveryFailure.objects.get().status == "failed"

    # An operator moved it back from the dead letters; it fails once more.
    InProcessPublisher(registry, policy=NOW_AND_AGAIN).publish(item)

    failure = DeliveryFailure.objects.get()
    assert (failure.status, failure.attempts) == ("retrying", 1)
    assert hopeless.calls == [item.id] * 4
