"""The worker set of ``run_event_workers``: the relay, then each registered consumer once."""

from __future__ import annotations

from emporium.infrastructure.management.commands.run_event_workers import worker_commands
from emporium.infrastructure.messaging.inbox import ConsumerRegistry


def test_the_relay_and_each_consumer_once_whatever_it_consumes() -> None:
    registry = ConsumerRegistry()
    registry.register("welcome-email", "identity.customer_registered", print)
    registry.register("sales", "ordering.order_placed", print)
    registry.register("sales", "ordering.order_cancelled", print)

    assert worker_commands(registry) == [
        ["relay_outbox"],
        ["consume_events", "--consumer", "sales"],
        ["consume_events", "--consumer", "welcome-email"],
    ]


def test_no_consumers_still_relays() -> None:
    assert worker_commands(ConsumerRegistry()) == [["relay_outbox"]]
