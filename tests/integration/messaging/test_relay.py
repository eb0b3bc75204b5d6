"""The outbox relay, the broker publisher and the inbox, on the real services where they answer."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections, transaction
from django.utils import timezone

from emporium.infrastructure.messaging import publisher as publisher_module
from emporium.infrastructure.messaging.inbox import ConsumerRegistry, consume_once
from emporium.infrastructure.messaging.models import InboxMessage
from emporium.infrastructure.messaging.publisher import (
    EXCHANGE_NAME,
    InProcessPublisher,
    KombuPublisher,
)
from emporium.infrastructure.messaging.relay import prune_published, relay_batch
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import TenantRef, current_tenant_slug
from emporium.shared_kernel.events import EventEnvelope

BOTH = pytest.mark.django_db(transaction=True, databases=["default", "admin"])


def envelope(
    n: int, event_type: str = "probe.thing_happened", tenant: str | None = None
) -> EventEnvelope:
    return EventEnvelope(
        id=uuid.uuid4(),
        type=event_type,
        occurred_at=datetime(2026, 11, 25, 12, 0, n % 60, tzinfo=UTC),
        tenant=tenant,
        aggregate_id=f"thing-{n}",
        aggregate_version=1,
        payload={"n": n, "note": "café"},
    )


def store(*envelopes: EventEnvelope, using: str = "default") -> None:
    """Commit one outbox row per envelope, in order, each in a transaction of its own."""
    for item in envelopes:
        with transaction.atomic(using=using):
            OutboxMessage.from_envelope(item).save(using=using)


def unpublished_ids() -> list[uuid.UUID]:
    return list(
        OutboxMessage.objects.using("admin")
        .filter(published_at__isnull=True)
        .order_by("created_at")
        .values_list("id", flat=True)
    )


class FakePublisher:
    """Records what it publishes; fails on the ids in ``fail_on``; checks rows are unmarked."""

    def __init__(self, fail_on: frozenset[uuid.UUID] = frozenset(), delay: float = 0.0) -> None:
        self.fail_on = set(fail_on)
        self.delay = delay
        self.published: list[EventEnvelope] = []
        self.marked_before_confirm: list[uuid.UUID] = []

    def publish(self, item: EventEnvelope) -> None:
        row = OutboxMessage.objects.using("admin").get(id=item.id)
        if row.published_at is not None:
            self.marked_before_confirm.append(item.id)
        if self.delay:
            time.sleep(self.delay)
        if item.id in self.fail_on:
            raise ConnectionError("broker went away")
        self.published.append(item)

    def close(self) -> None:
        pass


@BOTH
def test_rows_are_marked_published_only_after_the_confirm_oldest_first() -> None:
    items = [envelope(n) for n in range(3)]
    store(*items)
    fake = FakePublisher()

    assert relay_batch(fake) == 3

    assert fake.published == items
    assert fake.marked_before_confirm == []
    assert unpublished_ids() == []
    assert relay_batch(fake) == 0
    assert len(fake.published) == 3


@BOTH
def test_a_failed_publish_keeps_that_row_and_the_rest_in_order_for_the_next_batch() -> None:
    items = [envelope(n) for n in range(4)]
    store(*items)
    failing = FakePublisher(fail_on=frozenset({items[1].id}))

    assert relay_batch(failing) == 1

    assert failing.published == items[:1]
    assert unpublished_ids() == [item.id for item in items[1:]]
    failed = OutboxMessage.objects.using("admin").get(id=items[1].id)
    assert failed.attempts == 1
    assert failed.last_error == "ConnectionError: broker went away"
    assert OutboxMessage.objects.using("admin").get(id=items[2].id).attempts == 0

    healthy = FakePublisher()
    assert relay_batch(healthy) == 3
    assert healthy.published == items[1:]
    assert unpublished_ids() == []


@BOTH
def test_the_batch_limit_and_pruning_of_published_rows() -> None:
    items = [envelope(n) for n in range(5)]
    store(*items)
    fake = FakePublisher()
    assert relay_batch(fake, limit=2) == 2
    assert fake.published == items[:2]
    old = timezone.now() - timedelta(days=8)
    OutboxMessage.objects.using("admin").filter(id=items[0].id).update(published_at=old)

    assert prune_published(timedelta(days=7)) == 1

    remaining = set(OutboxMessage.objects.using("admin").values_list("id", flat=True))
    assert remaining == {item.id for item in items[1:]}


@BOTH
def test_relay_outbox_once_prints_the_throughput(monkeypatch: pytest.MonkeyPatch) -> None:
    store(envelope(1), envelope(2))
    fake = FakePublisher()
    monkeypatch.setattr(
        "emporium.infrastructure.management.commands.relay_outbox.default_publisher",
        lambda: fake,
    )
    out = StringIO()

    call_command("relay_outbox", "--once", "--batch", "10", stdout=out)

    assert out.getvalue().startswith("relayed 2 events in ")
    assert out.getvalue().rstrip().endswith("/s)")
    assert len(fake.published) == 2


@BOTH
def test_the_celery_task_relays_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    from emporium.infrastructure import tasks

    store(envelope(1))
    fake = FakePublisher()
    monkeypatch.setattr(tasks, "default_publisher", lambda: fake)

    assert tasks.relay_outbox.delay().get() == 1
    assert len(fake.published) == 1


@pytest.mark.postgres
@BOTH
def test_two_relays_at_once_never_publish_a_row_twice() -> None:
    items = [envelope(n) for n in range(60)]
    with transaction.atomic(using="admin"):
        for item in items:
            OutboxMessage.from_envelope(item).save(using="admin")
    relays = [FakePublisher(delay=0.005), FakePublisher(delay=0.005)]
    start = threading.Barrier(2)
    errors: list[str] = []

    def run(fake: FakePublisher) -> None:
        try:
            start.wait(timeout=10)
            while relay_batch(fake, limit=5):
                pass
        except Exception as exc:  # noqa: BLE001  (reported by the assertions below)
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(fake,)) for fake in relays]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    sent = [item.id for fake in relays for item in fake.published]
    assert sorted(sent) == sorted(item.id for item in items)  # every row, none twice
    assert all(fake.published for fake in relays)  # both relays took rows
    assert unpublished_ids() == []


@pytest.mark.postgres
@BOTH
def test_an_outbox_row_committed_after_a_later_one_is_still_delivered() -> None:
    early, late = envelope(1), envelope(2)
    inserted, may_commit = threading.Event(), threading.Event()
    errors: list[str] = []

    def slow_transaction() -> None:
        try:
            with transaction.atomic(using="default"):
                OutboxMessage.from_envelope(early).save(using="default")
                inserted.set()
                assert may_commit.wait(timeout=30)
        except Exception as exc:  # noqa: BLE001  (reported by the assertions below)
            errors.append(repr(exc))
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_transaction)
    thread.start()
    assert inserted.wait(timeout=30)
    store(late)  # inserted after `early`, committed before it
    fake = FakePublisher()

    assert relay_batch(fake) == 1
    assert fake.published == [late]

    may_commit.set()
    thread.join(timeout=30)
    assert errors == []
    early_row = OutboxMessage.objects.using("admin").get(id=early.id)
    assert early_row.created_at < OutboxMessage.objects.using("admin").get(id=late.id).created_at

    assert relay_batch(fake) == 1
    assert fake.published == [late, early]


@pytest.mark.rabbitmq
@pytest.mark.postgres
@BOTH
def test_the_kombu_publisher_sends_the_envelope_to_the_topic_exchange() -> None:
    from kombu import Connection, Exchange, Queue

    context = f"test{uuid.uuid4().hex[:12]}"
    items = [envelope(n, event_type=f"{context}.thing_happened") for n in range(3)]
    items.append(envelope(9, event_type=f"{context}.other_thing"))
    publisher = KombuPublisher()
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        publisher.start()  # declares the exchange, so the test queue can be bound to it
        assert publisher.confirms
        exchange = Exchange(EXCHANGE_NAME, type="topic", durable=True, passive=True)
        queue = Queue(
            f"{context}-relay-test",
            exchange=exchange,
            routing_key=f"{context}.#",
            exclusive=True,
            durable=False,
        )(connection.default_channel)
        queue.declare()
        try:
            store(*items)
            assert relay_batch(publisher) == 4
            received: list[Any] = []
            deadline = time.monotonic() + 10
            while len(received) < 4 and time.monotonic() < deadline:
                message = queue.get(no_ack=True)
                if message is None:
                    time.sleep(0.05)
                else:
                    received.append(message)
        finally:
            publisher.close()
            queue.delete()

    # The client decodes a body whose content encoding is set; the bytes sent are to_json()'s.
    bodies = [
        message.body if isinstance(message.body, bytes) else message.body.encode("utf-8")
        for message in received
    ]
    assert bodies == [item.to_json() for item in items]
    assert [message.content_type for message in received] == ["application/json"] * 4
    assert [message.content_encoding for message in received] == ["utf-8"] * 4
    assert [message.delivery_info["routing_key"] for message in received] == [
        item.type for item in items
    ]
    assert [message.properties["delivery_mode"] for message in received] == [2] * 4
    assert [message.properties["message_id"] for message in received] == [
        str(item.id) for item in items
    ]
    assert [EventEnvelope.from_json(message.body) for message in received] == items
    assert unpublished_ids() == []


@pytest.mark.rabbitmq
@pytest.mark.postgres
@BOTH
def test_an_unreachable_broker_is_a_recorded_failure_not_a_lost_event() -> None:
    item = envelope(1)
    store(item)
    publisher = KombuPublisher(url="amqp://guest:guest@127.0.0.1:1//", connect_timeout=1)

    assert relay_batch(publisher) == 0

    row = OutboxMessage.objects.using("admin").get(id=item.id)
    assert (row.published_at, row.attempts) == (None, 1)
    assert row.last_error


def recording_handler(calls: list[tuple[uuid.UUID, str | None]]) -> Callable[[EventEnvelope], None]:
    def handle(item: EventEnvelope) -> None:
        calls.append((item.id, current_tenant_slug()))

    return handle


@pytest.mark.django_db
def test_the_same_envelope_consumed_twice_runs_the_handler_once(
    make_tenant: Callable[..., TenantRef],
) -> None:
    make_tenant("acme")
    item = envelope(1, tenant="acme")
    calls: list[tuple[uuid.UUID, str | None]] = []

    assert consume_once("mailer", item, recording_handler(calls)) is True
    assert consume_once("mailer", item, recording_handler(calls)) is False
    assert consume_once("sales", item, recording_handler(calls)) is True

    assert calls == [(item.id, "acme"), (item.id, "acme")]  # in the envelope's tenant
    assert InboxMessage.objects.filter(event_id=item.id).count() == 2


@pytest.mark.django_db
def test_a_failed_handler_leaves_no_inbox_row_so_the_redelivery_runs_it() -> None:
    item = envelope(1)
    calls: list[tuple[uuid.UUID, str | None]] = []

    def failing(received: EventEnvelope) -> None:
        raise RuntimeError("smtp down")

    with pytest.raises(RuntimeError):
        consume_once("mailer", item, failing)
    assert not InboxMessage.objects.filter(event_id=item.id).exists()

    assert consume_once("mailer", item, recording_handler(calls)) is True
    assert calls == [(item.id, None)]


@BOTH
def test_without_a_broker_the_relay_delivers_to_in_process_consumers_once(
    make_tenant: Callable[..., TenantRef],
) -> None:
    make_tenant("acme")
    OutboxMessage.objects.using("admin").all().delete()  # the tenant's own creation event
    registry = ConsumerRegistry()
    calls: list[tuple[uuid.UUID, str | None]] = []
    registry.register("mailer", "probe.thing_happened", recording_handler(calls))
    items = [envelope(1, tenant="acme"), envelope(2, event_type="probe.unheard_of")]
    store(*items)

    assert relay_batch(InProcessPublisher(registry)) == 2
    # A redelivery (the relay died before marking the rows) reaches no consumer twice.
    OutboxMessage.objects.using("admin").update(published_at=None)
    assert relay_batch(InProcessPublisher(registry)) == 2

    assert calls == [(items[0].id, "acme")]


def test_the_default_publisher_follows_the_broker_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "CELERY_BROKER_URL", "")
    assert isinstance(publisher_module.default_publisher(), InProcessPublisher)
    monkeypatch.setattr(settings, "CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")
    assert isinstance(publisher_module.default_publisher(), KombuPublisher)


@pytest.mark.rabbitmq
@pytest.mark.postgres
@BOTH
def test_a_dropped_broker_connection_fails_one_publish_and_the_next_batch_reconnects() -> None:
    import socket

    first, second = envelope(1), envelope(2)
    publisher = KombuPublisher()
    try:
        store(first)
        assert relay_batch(publisher) == 1
        # The broker goes away under the open connection (a restart, a network cut).
        sock = publisher._connection.connection.transport.sock  # type: ignore[union-attr]
        sock.shutdown(socket.SHUT_RDWR)
        store(second)

        assert relay_batch(publisher) == 0
        row = OutboxMessage.objects.using("admin").get(id=second.id)
        assert (row.published_at, row.attempts) == (None, 1)

        assert relay_batch(publisher) == 1
        assert unpublished_ids() == []
    finally:
        publisher.close()
