# kombu ships no type hints.
# mypy: disable-error-code="no-untyped-call"
"""The broker's exchanges and queues: declared alike by the relay, the consumers and operators."""

from __future__ import annotations

from kombu.entity import Exchange, Queue, binding

#: The durable topic exchange of API.md; routing key ``<context>.<event>``.
EXCHANGE_NAME = "emporium.events"
DEAD_LETTER_EXCHANGE = "emporium.events.dlx"
DEAD_LETTER_QUEUE = "emporium.dead"
#: Deliveries of one message before the broker dead-letters it by itself: the limit for
#: messages whose handling kills the worker, so that no failure could be recorded.
MAX_DELIVERIES = 5
#: Queues of consumers that no longer exist: bound to the exchange, they would fill for ever.
#: ``sales-read-model`` gave way to ``projections``, which reads the event store instead.
RETIRED_QUEUES = ("emporium.sales-read-model",)


def events_exchange() -> Exchange:
    """Return the exchange every integration event is published to."""
    return Exchange(EXCHANGE_NAME, type="topic", durable=True)


def dead_letter_exchange() -> Exchange:
    """Return the fanout exchange in front of the dead-letter queue."""
    return Exchange(DEAD_LETTER_EXCHANGE, type="fanout", durable=True)


def dead_letter_queue() -> Queue:
    """Return the durable queue where messages that kept failing wait for an operator."""
    return Queue(DEAD_LETTER_QUEUE, exchange=dead_letter_exchange(), durable=True)


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
