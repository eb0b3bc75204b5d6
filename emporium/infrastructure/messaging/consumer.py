# kombu ships no type hints.
# mypy: disable-error-code="no-untyped-call"
"""Broker consumers: one durable queue per consumer, acked only after its work committed."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from kombu.connection import Connection
from kombu.entity import Exchange, Queue, binding
from kombu.message import Message
from kombu.messaging import Consumer

from emporium.infrastructure.messaging.inbox import (
    ConsumerRegistry,
    EnvelopeHandler,
    consume_once,
    consumer_registry,
)
from emporium.infrastructure.messaging.publisher import events_exchange
from emporium.shared_kernel.events import EventEnvelope

logger = logging.getLogger(__name__)

DEAD_LETTER_EXCHANGE = "emporium.events.dlx"
DEAD_LETTER_QUEUE = "emporium.dead"
#: Deliveries of one message before it is dead-lettered (the first one and four redeliveries).
MAX_DELIVERIES = 5


def dead_letter_queue() -> Queue:
    """Return the durable queue where messages that kept failing wait for an operator."""
    exchange = Exchange(DEAD_LETTER_EXCHANGE, type="fanout", durable=True)
    return Queue(DEAD_LETTER_QUEUE, exchange=exchange, durable=True)


def consumer_queue(consumer: str, event_types: list[str]) -> Queue:
    """Return ``emporium.<consumer>``, bound to the events exchange by each event type."""
    exchange = events_exchange()
    return Queue(
        f"emporium.{consumer}",
        bindings=[binding(exchange, routing_key=event_type) for event_type in event_types],
        durable=True,
        # A quorum queue counts deliveries (a requeue and a dead worker's unacked message
        # alike) and dead-letters a message once the limit is passed: no header bookkeeping.
        queue_arguments={
            "x-queue-type": "quorum",
            "x-delivery-limit": MAX_DELIVERIES - 1,
            "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        },
    )


class EventConsumer:
    """Consume ``consumer``'s queue: each message runs ``consume_once``, then is acked."""

    def __init__(
        self, consumer: str, url: str | None = None, registry: ConsumerRegistry | None = None
    ) -> None:
        self.consumer = consumer
        self.url = url or settings.CELERY_BROKER_URL
        if not self.url:
            raise ValueError("consuming needs a broker URL (CELERY_BROKER_URL)")
        registry = registry or consumer_registry()
        self.handlers: dict[str, EnvelopeHandler] = {}
        for event_type in registry.event_types():
            for name, handler in registry.consumers_for(event_type):
                if name == consumer:
                    self.handlers[event_type] = handler
        if not self.handlers:
            raise ValueError(f"no consumer named {consumer!r} is registered")
        self.handled = 0
        self.failed = 0

    def queue(self) -> Queue:
        """Return this consumer's queue."""
        return consumer_queue(self.consumer, sorted(self.handlers))

    def run(
        self, once: bool = False, stop: threading.Event | None = None, idle: float = 1.0
    ) -> None:
        """Consume until ``stop`` is set, or (``once``) until no message came for ``idle`` s."""
        stop = stop or threading.Event()
        with Connection(self.url, connect_timeout=5) as connection:
            channel = connection.channel()
            dead_letter_queue()(channel).declare()
            queue = self.queue()(channel)
            queue.declare()
            # One unacked message at a time: a dead worker leaves one message to redeliver.
            with Consumer(channel, queues=[queue], callbacks=[self._on_message], prefetch_count=1):
                while not stop.is_set():
                    try:
                        connection.drain_events(timeout=idle)
                    except TimeoutError:
                        if once:
                            return

    def _on_message(self, body: Any, message: Message) -> None:
        try:
            envelope = EventEnvelope.from_json(message.body)
            handler = self.handlers[envelope.type]
            consume_once(self.consumer, envelope, handler)
        except Exception:
            self.failed += 1
            logger.exception(
                "Consumer %s failed on message %s",
                self.consumer,
                message.properties.get("message_id"),
                extra={"event_id": message.properties.get("message_id")},
            )
            # Back on the queue for another try; past the delivery limit RabbitMQ dead-letters it.
            message.requeue()
            return
        # Only now: the handler's transaction (with its inbox row) has committed.
        message.ack()
        self.handled += 1
