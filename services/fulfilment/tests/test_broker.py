"""The service on RabbitMQ: its own queue and dead letters, acks after commit, the relay's confirms.

Every queue and dead-letter exchange here carries the test's own suffix and is deleted after it:
the broker is shared. The exchange ``emporium.events`` is declared (idempotent), never deleted.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from django.db import InterfaceError, OperationalError
from django.db import connection as db_connection
from kombu import Connection, Exchange, Producer, Queue

from shipments.carrier import ship_due
from shipments.consumer import EventConsumer
from shipments.envelope import Envelope
from shipments.handlers import handle
from shipments.inbox import apply_envelope
from shipments.models import InboxMessage, OutboxMessage, Shipment
from shipments.publishers import BrokerPublisher
from shipments.relay import relay_batch
from shipments.topology import EVENTS_EXCHANGE, Topology, events_exchange
from tests import envelopes

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def topology(broker_url: str, suffix: str) -> Iterator[Topology]:
    """Return a topology of the test's own, deleted afterwards."""
    topology = Topology(
        queue=f"fulfilment.events.{suffix}",
        dead_letter_exchange=f"fulfilment.events.dlx.{suffix}",
        dead_letter_queue=f"fulfilment.dead.{suffix}",
        max_deliveries=3,
    )
    yield topology
    with Connection(broker_url) as connection:
        channel = connection.default_channel
        channel.queue_delete(topology.queue)
        channel.queue_delete(topology.dead_letter_queue)
        channel.exchange_delete(topology.dead_letter_exchange)


@pytest.fixture
def consumer(broker_url: str, topology: Topology) -> EventConsumer:
    """Return a consumer of the test's queue, with that queue declared and bound."""
    consumer = EventConsumer(broker_url, topology, first_failure_pause=0.05, reconnect_delay=0.1)
    with Connection(broker_url) as connection:
        consumer.declare(connection)
    return consumer


def publish(broker_url: str, body: bytes, routing_key: str, message_id: str = "") -> None:
    """Publish a raw body to ``emporium.events``, confirmed, as Emporium's relay does."""
    with Connection(broker_url, transport_options={"confirm_publish": True}) as connection:
        producer = Producer(connection.default_channel, exchange=events_exchange())
        producer.publish(
            body,
            routing_key=routing_key,
            content_type="application/json",
            delivery_mode=2,
            message_id=message_id or None,
            retry=False,
        )


def publish_envelope(broker_url: str, envelope: Envelope) -> None:
    """Publish an envelope with routing key = its type."""
    publish(broker_url, envelope.to_json(), envelope.type, str(envelope.id))


def ready(broker_url: str, queue: str) -> int:
    """Return how many messages wait in ``queue`` (none unacked: no consumer holds any)."""
    with Connection(broker_url) as connection:
        return connection.default_channel.queue_declare(queue, passive=True).message_count


def take_all(broker_url: str, queue: str) -> list:
    """Remove and return every message waiting in ``queue``."""
    messages = []
    with Connection(broker_url) as connection:
        channel = connection.default_channel
        while (message := channel.basic_get(queue, no_ack=True)) is not None:
            messages.append(message)
    return messages


def test_the_default_topology_is_the_adrs():
    queue = Topology().events_queue()

    assert queue.name == "fulfilment.events"
    assert queue.durable
    assert queue.queue_arguments == {
        "x-queue-type": "quorum",
        "x-delivery-limit": 4,
        "x-dead-letter-exchange": "fulfilment.events.dlx",
    }
    assert {(b.exchange.name, b.routing_key) for b in queue.bindings} == {
        ("emporium.events", "ordering.fulfilment_requested"),
        ("emporium.events", "ordering.order_refunded"),
        ("emporium.events", "identity.customer_erased"),
        ("emporium.events", "tenancy.tenant_deleted"),
    }
    dead = Topology().dead_letters()
    assert (dead.name, dead.exchange.name, dead.exchange.type) == (
        "fulfilment.dead",
        "fulfilment.events.dlx",
        "fanout",
    )
    assert events_exchange().type == "topic"
    assert events_exchange().durable


def test_a_published_request_makes_one_shipment_and_leaves_the_queue_empty(
    broker_url, consumer, topology, suffix
):
    request = envelopes.fulfilment_requested(tenant=suffix)
    # At least once: the same envelope arrives twice.
    publish_envelope(broker_url, request)
    publish_envelope(broker_url, request)

    consumer.run(once=True, idle=0.5)

    assert Shipment.objects.filter(tenant=suffix, order_id=request.aggregate_id).count() == 1
    assert InboxMessage.objects.filter(event_id=request.id).count() == 1
    assert consumer.duplicates >= 1
    # The consumer's connection is closed: anything unacked would be back in the queue.
    assert ready(broker_url, topology.queue) == 0
    assert ready(broker_url, topology.dead_letter_queue) == 0


def test_each_consumed_type_reaches_its_handler(broker_url, consumer, topology, suffix):
    # A tenant of the test's own: other suites may publish events of "acme" to the exchange.
    tenant = suffix
    request = envelopes.fulfilment_requested(tenant=tenant, customer_id=envelopes.CUSTOMER)
    publish_envelope(broker_url, request)
    consumer.run(once=True, idle=0.3)
    for envelope in (
        envelopes.order_refunded(request.aggregate_id, fully=True, tenant=tenant),
        envelopes.customer_erased(envelopes.CUSTOMER, tenant=tenant),
    ):
        publish_envelope(broker_url, envelope)

    consumer.run(once=True, idle=0.3)

    shipment = Shipment.objects.get(order_id=request.aggregate_id)
    assert (shipment.status, shipment.ship_name, shipment.ship_country) == ("cancelled", "", "GB")
    publish_envelope(broker_url, envelopes.tenant_deleted(tenant))
    consumer.run(once=True, idle=0.3)
    assert not Shipment.objects.filter(tenant=tenant).exists()
    assert ready(broker_url, topology.queue) == 0


def test_unreadable_and_unknown_messages_are_dead_lettered_at_once(broker_url, consumer, topology):
    unknown = envelopes.envelope("ordering.order_placed", {})
    no_address = envelopes.fulfilment_requested()
    del no_address.payload["shipping_address"]
    # Too long for their columns: the payload check refuses them before the database would.
    three_letter_country = envelopes.fulfilment_requested()
    three_letter_country.payload["shipping_address"]["country"] = "GBR"
    long_name = envelopes.fulfilment_requested()
    long_name.payload["shipping_address"]["name"] = "n" * 201
    publish(broker_url, b"{not json", "ordering.fulfilment_requested", "garbage-1")
    # Routed by a consumed key, but of a type the service does not know.
    publish(broker_url, unknown.to_json(), "ordering.fulfilment_requested", str(unknown.id))
    for envelope in (no_address, three_letter_country, long_name):
        publish_envelope(broker_url, envelope)

    consumer.run(once=True, idle=0.5)

    dead = {
        m.properties.get("message_id"): m for m in take_all(broker_url, topology.dead_letter_queue)
    }
    refused = [unknown, no_address, three_letter_country, long_name]
    assert {"garbage-1", *(str(envelope.id) for envelope in refused)} <= set(dead)
    assert dead["garbage-1"].body == b"{not json"
    # Each dead-lettered on its first delivery, not after the delivery limit.
    assert consumer.requeued == 0
    assert consumer.dead_lettered == 5
    assert ready(broker_url, topology.queue) == 0
    assert InboxMessage.objects.filter(event_id__in=[e.id for e in refused]).count() == 0
    refused_orders = [three_letter_country.aggregate_id, long_name.aggregate_id]
    assert not Shipment.objects.filter(order_id__in=refused_orders).exists()


def test_a_failing_handler_is_redelivered_then_dead_lettered_by_the_delivery_limit(
    broker_url, broker_consumer_with, topology
):
    request = envelopes.fulfilment_requested()
    attempts = []

    def handle_then_fail(command):
        handle(command)
        attempts.append(command.order_id)
        raise RuntimeError("the warehouse system is down")

    consumer = broker_consumer_with(handle_then_fail)
    publish_envelope(broker_url, request)

    consumer.run(once=True, idle=0.5)

    ours = [order_id for order_id in attempts if str(order_id) == request.aggregate_id]
    assert len(ours) == 3  # topology.max_deliveries
    dead = [
        m
        for m in take_all(broker_url, topology.dead_letter_queue)
        if m.properties.get("message_id") == str(request.id)
    ]
    assert len(dead) == 1
    assert dead[0].headers["x-death"][0]["reason"] == "delivery_limit"
    # Each try rolled back: no shipment, no inbox row.
    assert not Shipment.objects.filter(order_id=request.aggregate_id).exists()
    assert not InboxMessage.objects.filter(event_id=request.id).exists()
    assert ready(broker_url, topology.queue) == 0


def test_a_database_outage_spends_no_delivery(broker_url, broker_consumer_with, topology):
    request = envelopes.fulfilment_requested()
    outage = [OperationalError("server closed the connection"), InterfaceError("closed")]

    def handle_once_the_database_is_back(command):
        if str(command.order_id) == request.aggregate_id and outage:
            raise outage.pop(0)
        handle(command)

    consumer = broker_consumer_with(handle_once_the_database_is_back)
    publish_envelope(broker_url, request)

    consumer.run(once=True, idle=0.5)

    assert consumer.database_waits == 2
    assert consumer.requeued == 0
    assert Shipment.objects.filter(order_id=request.aggregate_id).count() == 1
    assert ready(broker_url, topology.queue) == 0
    assert ready(broker_url, topology.dead_letter_queue) == 0


@pytest.fixture
def broker_consumer_with(broker_url, topology):
    """Return a factory of consumers of the test's queue with a handler of the test's."""

    def make(handler):
        consumer = EventConsumer(
            broker_url, topology, handler=handler, first_failure_pause=0.05, reconnect_delay=0.1
        )
        with Connection(broker_url) as connection:
            consumer.declare(connection)
        return consumer

    return make


def test_the_consumer_connects_again_after_losing_the_broker(broker_url, consumer, topology):
    stop = threading.Event()

    def consume() -> None:
        try:
            consumer.run(stop=stop, idle=0.1)
        finally:
            db_connection.close()

    thread = threading.Thread(target=consume)
    thread.start()
    try:
        _wait_for(lambda: consumer.connections == 1)
        # The socket dies under the consumer, as in a broker restart.
        consumer.connection.connection.transport.sock.shutdown(socket.SHUT_RDWR)
        _wait_for(lambda: consumer.connections == 2)
        request = envelopes.fulfilment_requested()
        publish_envelope(broker_url, request)
        _wait_for(lambda: consumer.handled >= 1)
    finally:
        stop.set()
        thread.join(5)
    assert Shipment.objects.filter(order_id=request.aggregate_id).count() == 1


def _wait_for(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_the_relay_publishes_the_dispatch_once_with_confirms(broker_url, suffix):
    listener = Queue(
        f"fulfilment.sent.{suffix}",
        exchange=Exchange(EVENTS_EXCHANGE, type="topic", durable=True),
        routing_key="fulfilment.shipment_dispatched",
        durable=False,
    )
    with Connection(broker_url) as connection:
        listener(connection.default_channel).declare()
    try:
        apply_envelope(envelopes.fulfilment_requested(tenant="globex"))
        ship_due()
        row = OutboxMessage.objects.get()
        publisher = BrokerPublisher(broker_url)
        try:
            assert relay_batch(publisher).published == 1
            assert relay_batch(publisher).published == 0
        finally:
            publisher.close()
        received = [
            m
            for m in take_all(broker_url, listener.name)
            if m.properties.get("message_id") == str(row.id)
        ]
    finally:
        with Connection(broker_url) as connection:
            connection.default_channel.queue_delete(listener.name)

    assert len(received) == 1
    message = received[0]
    assert message.delivery_info["exchange"] == "emporium.events"
    assert message.delivery_info["routing_key"] == "fulfilment.shipment_dispatched"
    assert message.properties["content_type"] == "application/json"
    assert message.properties["delivery_mode"] == 2
    assert Envelope.from_json(message.body) == row.to_envelope()
    row.refresh_from_db()
    assert row.published_at is not None


def test_a_publish_to_an_unreachable_broker_keeps_the_row(unused_port):
    apply_envelope(envelopes.fulfilment_requested())
    ship_due()
    publisher = BrokerPublisher(f"amqp://guest:guest@127.0.0.1:{unused_port}//", connect_timeout=1)

    assert relay_batch(publisher).failed

    row = OutboxMessage.objects.get()
    assert (row.published_at, row.attempts) == (None, 1)
    assert uuid.UUID(str(row.id))
