"""The broker's exchanges and queues the service uses: Emporium's exchange, its own queues."""

from __future__ import annotations

from dataclasses import dataclass

from kombu import Exchange, Queue, binding

from shipments.commands import CONSUMED_TYPES

#: Emporium's durable topic exchange (API.md); routing key = event type.
EVENTS_EXCHANGE = "emporium.events"
QUEUE = "fulfilment.events"
DEAD_LETTER_EXCHANGE = "fulfilment.events.dlx"
DEAD_LETTER_QUEUE = "fulfilment.dead"


def events_exchange() -> Exchange:
    """Return the exchange every integration event is published to."""
    return Exchange(EVENTS_EXCHANGE, type="topic", durable=True)


@dataclass(frozen=True)
class Topology:
    """The service's queue and its dead letters; tests name their own to share a broker."""

    queue: str = QUEUE
    dead_letter_exchange: str = DEAD_LETTER_EXCHANGE
    dead_letter_queue: str = DEAD_LETTER_QUEUE
    #: Deliveries of one message before the broker dead-letters it (x-delivery-limit + 1).
    max_deliveries: int = 5
    routing_keys: tuple[str, ...] = CONSUMED_TYPES

    def dead_letters(self) -> Queue:
        """Return the durable queue where messages that kept failing wait for an operator."""
        exchange = Exchange(self.dead_letter_exchange, type="fanout", durable=True)
        return Queue(self.dead_letter_queue, exchange=exchange, durable=True)

    def events_queue(self) -> Queue:
        """Return the service's quorum queue, bound to the events exchange by each type."""
        exchange = events_exchange()
        return Queue(
            self.queue,
            bindings=[binding(exchange, routing_key=key) for key in self.routing_keys],
            durable=True,
            # A quorum queue counts deliveries (a requeue and a dead consumer's unacked message
            # alike) and dead-letters a message once past the limit.
            queue_arguments={
                "x-queue-type": "quorum",
                "x-delivery-limit": self.max_deliveries - 1,
                "x-dead-letter-exchange": self.dead_letter_exchange,
            },
        )
