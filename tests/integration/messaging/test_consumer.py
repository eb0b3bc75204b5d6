"""Consumers on RabbitMQ: the relay and ``consume_events`` confirm an order once; poison dies."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction

from emporium.infrastructure.messaging.consumer import (
    DEAD_LETTER_QUEUE,
    EventConsumer,
    dead_letter_queue,
)
from emporium.infrastructure.messaging.inbox import ConsumerRegistry
from emporium.infrastructure.messaging.models import DeliveryFailure, InboxMessage
from emporium.infrastructure.messaging.publisher import KombuPublisher, events_exchange
from emporium.infrastructure.messaging.relay import relay_batch
from emporium.infrastructure.messaging.retries import RetryPolicy
from emporium.infrastructure.messaging.topology import dead_letter_exchange
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.shared_kernel.events import EventEnvelope
from tests.integration.notifications.test_order_confirmation import order_placed

BOTH = pytest.mark.django_db(transaction=True, databases=["default", "admin"])
NOW_AND_AGAIN = RetryPolicy(attempts=3, backoff=timedelta(0))


@pytest.fixture
def ada(acme_and_globex: Any, make_account: Any) -> Any:
    acme, _ = acme_and_globex
    return make_account(acme, "ada@example.com", "customer")


def purge(queue: Any) -> None:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        bound = queue(connection.default_channel)
        bound.declare()
        bound.purge()


def probe_consumer(
    name: str, event_type: str, handler: Callable[[EventEnvelope], None]
) -> EventConsumer:
    """Return the consumer ``name`` of ``event_type`` alone in its registry, on an empty queue."""
    registry = ConsumerRegistry()
    registry.register(name, event_type, handler)
    consumer = EventConsumer(name, registry=registry, policy=NOW_AND_AGAIN)
    purge(consumer.queue())
    return consumer


@contextmanager
def dead_letter_tap() -> Iterator[Callable[[str], list[Any]]]:
    """Copy every dead letter to a queue of this test's own; yield a reader by message id.

    The dead-letter queue is shared by every test worker: reading or purging it would race.
    """
    from kombu import Connection, Queue

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        channel = connection.channel()
        dead_letter_exchange()(channel).declare()
        tap = Queue(f"dead-tap-{uuid.uuid4().hex}", exchange=dead_letter_exchange(), exclusive=True)
        tap(channel).declare()

        def take(message_id: str) -> list[Any]:
            taken = []
            while (message := tap(channel).get(no_ack=True)) is not None:
                if message.properties.get("message_id") == message_id:
                    taken.append(message)
            return taken

        yield take


def publish_probe(
    event_type: str, aggregate_id: str, headers: dict[str, str] | None = None
) -> EventEnvelope:
    """Publish a platform envelope of ``event_type`` to the real broker and return it."""
    item = EventEnvelope(
        id=uuid.uuid4(),
        type=event_type,
        occurred_at=datetime(2026, 11, 25, 12, tzinfo=UTC),
        tenant=None,
        aggregate_id=aggregate_id,
        aggregate_version=1,
        payload={},
    )
    publisher = KombuPublisher()
    try:
        if headers:
            publisher._send(item, events_exchange(), headers)
        else:
            publisher.publish(item)
    finally:
        publisher.close()
    return item


@pytest.mark.rabbitmq
@pytest.mark.postgres
@BOTH
def test_relay_and_consumer_deliver_one_confirmation_through_rabbitmq(ada: Any) -> None:
    purge(EventConsumer("order-confirmation").queue())
    placed = order_placed(str(ada.id))
    with transaction.atomic():
        OutboxMessage.from_envelope(placed).save()
    publisher = KombuPublisher()
    try:
        assert relay_batch(publisher) >= 1
        publisher.publish(placed)  # a duplicate, as after a relay died before marking the row
    finally:
        publisher.close()

    call_command("consume_events", consumer="order-confirmation", once=True, idle=0.5)

    [confirmation] = mail.outbox
    assert confirmation.to == ["ada@example.com"]
    assert "Total: 21.60 USD" in confirmation.body


@pytest.mark.rabbitmq
@pytest.mark.postgres
@BOTH
def test_a_poison_message_is_retried_with_backoff_recorded_and_dead_lettered() -> None:
    calls: list[uuid.UUID] = []

    def poisoned(item: EventEnvelope) -> None:
        calls.append(item.id)
        raise RuntimeError("cannot handle this")

    from kombu import Connection

    consumer = probe_consumer("probe-poison", "probe.poisoned", poisoned)
    item = publish_probe("probe.poisoned", "poison-1")

    with dead_letter_tap() as dead_letters:
        consumer.run(once=True, idle=0.5)
        [message] = dead_letters(str(item.id))  # once

    assert calls == [item.id] * NOW_AND_AGAIN.attempts
    assert (consumer.failed, consumer.retried.failed) == (1, NOW_AND_AGAIN.attempts - 1)
    failure = DeliveryFailure.objects.get(consumer="probe-poison")
    assert (failure.status, failure.attempts) == ("failed", NOW_AND_AGAIN.attempts)
    assert failure.last_error == "RuntimeError: cannot handle this"
    assert message.delivery_info["routing_key"] == "probe.poisoned"
    assert message.properties["message_id"] == str(item.id)
    assert message.headers["x-emporium-consumer"] == "probe-poison"
    assert message.headers["x-emporium-error"] == "RuntimeError: cannot handle this"
    assert EventEnvelope.from_json(message.body) == item
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        # Operators find it in emporium.dead (never read by tests: workers share it).
        dead = dead_letter_queue()(connection.default_channel)
        assert dead.name == DEAD_LETTER_QUEUE
        assert dead.queue_declare(passive=True).message_count >= 1
    # The original message was acked when its failure was recorded: the queue is empty.
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        assert consumer.queue()(connection.default_channel).get(no_ack=True) is None


@pytest.mark.rabbitmq
@pytest.mark.postgres
@BOTH
def test_a_failure_that_passes_is_retried_from_its_record_and_acts_once() -> None:
    calls: list[uuid.UUID] = []

    def flaky(item: EventEnvelope) -> None:
        calls.append(item.id)
        if len(calls) == 1:
            raise ConnectionRefusedError("smtp down")

    consumer = probe_consumer("probe-flaky", "probe.flaky", flaky)
    item = publish_probe("probe.flaky", "flaky-1")

    with dead_letter_tap() as dead_letters:
        consumer.run(once=True, idle=0.5)
        assert dead_letters(str(item.id)) == []

    assert calls == [item.id, item.id]
    assert (consumer.failed, consumer.retried.succeeded) == (1, 1)
    assert not DeliveryFailure.objects.exists()
    assert InboxMessage.objects.filter(consumer="probe-flaky", event_id=item.id).count() == 1


@pytest.mark.rabbitmq
@pytest.mark.postgres
@BOTH
def test_a_success_after_giving_up_clears_the_recorded_failure() -> None:
    calls: list[uuid.UUID] = []
    consumer = probe_consumer("probe-revived", "probe.revived", lambda item: calls.append(item.id))
    # A dead letter an operator sent back: it carries the headers it was dead-lettered with.
    item = publish_probe(
        "probe.revived", "revived-1", headers={"x-emporium-consumer": "probe-revived"}
    )
    DeliveryFailure.objects.create(
        consumer="probe-revived",
        event_id=item.id,
        event_type=item.type,
        envelope=item.to_json().decode(),
        status="failed",
        attempts=3,
        last_failed_at=datetime(2026, 11, 25, 12, tzinfo=UTC),
    )

    consumer.run(once=True, idle=0.5)

    assert calls == [item.id]
    assert not DeliveryFailure.objects.exists()


@pytest.mark.rabbitmq
@pytest.mark.postgres
@BOTH
def test_an_unreadable_message_goes_straight_to_the_dead_letters() -> None:
    from kombu import Connection
    from kombu.messaging import Producer

    calls: list[uuid.UUID] = []
    consumer = probe_consumer(
        "probe-unreadable", "probe.unreadable", lambda item: calls.append(item.id)
    )
    message_id = str(uuid.uuid4())
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        Producer(connection.default_channel).publish(
            b"{not json",
            exchange=events_exchange(),
            routing_key="probe.unreadable",
            content_type="application/json",
            content_encoding="utf-8",
            message_id=message_id,
        )

    with dead_letter_tap() as dead_letters:
        consumer.run(once=True, idle=0.5)
        [message] = dead_letters(message_id)

    assert calls == []
    assert message.body == "{not json"  # kombu hands back the utf-8 body as text


@pytest.mark.rabbitmq
@pytest.mark.postgres
@BOTH
def test_a_worker_dying_before_the_ack_gets_the_message_again_and_acts_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kombu import Connection
    from kombu.message import Message

    calls: list[uuid.UUID] = []
    consumer = probe_consumer("probe-dying", "probe.dying", lambda item: calls.append(item.id))
    item = publish_probe("probe.dying", "dying-1")

    def die(self: Message) -> None:
        raise KeyboardInterrupt("worker killed after the commit, before the ack")

    # The handler's transaction has committed when the worker dies: the message stays unacked.
    with monkeypatch.context() as patched:
        patched.setattr(Message, "ack", die)
        with pytest.raises(KeyboardInterrupt):
            consumer.run(once=True, idle=0.5)
    assert calls == [item.id]

    redelivered = EventConsumer("probe-dying", registry=consumer.registry)
    redelivered.run(once=True, idle=0.5)

    assert calls == [item.id]  # redelivered, skipped by the inbox, acked
    assert redelivered.handled == 1
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        assert consumer.queue()(connection.default_channel).get(no_ack=True) is None


@pytest.mark.rabbitmq
@pytest.mark.postgres
@BOTH
def test_two_transactions_committing_out_of_order_both_reach_the_consumer() -> None:
    import threading

    from django.db import connections

    from tests.integration.messaging.test_relay import envelope, store, unpublished_ids

    handled: list[uuid.UUID] = []
    consumer = probe_consumer(
        "probe-order", "probe.out_of_order", lambda item: handled.append(item.id)
    )
    early = envelope(1, event_type="probe.out_of_order")
    late = envelope(2, event_type="probe.out_of_order")
    inserted, may_commit = threading.Event(), threading.Event()

    def slow_transaction() -> None:
        try:
            with transaction.atomic():
                OutboxMessage.from_envelope(early).save()
                inserted.set()
                may_commit.wait(timeout=30)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_transaction)
    slow.start()
    assert inserted.wait(timeout=30)
    store(late)  # the later row commits first
    publisher = KombuPublisher()
    try:
        assert relay_batch(publisher) == 1  # the late one: the early one is not visible yet
        may_commit.set()
        slow.join(timeout=30)
        assert relay_batch(publisher) == 1  # the early one, found although it is "older"
    finally:
        publisher.close()

    consumer.run(once=True, idle=0.5)

    assert handled == [late.id, early.id]
    assert unpublished_ids() == []
