"""The background loops, each a thread: the broker consumer, the shipper and the relay.

The shipper's thread also prunes the outbox and the inbox, at most once an hour.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections

from shipments.carrier import deliver_due, ship_due
from shipments.consumer import EventConsumer
from shipments.pruning import PeriodicPrune
from shipments.publishers import Publisher, default_publisher
from shipments.relay import relay_batch

logger = logging.getLogger(__name__)

#: Longest wait between two relay passes while the receiver keeps failing.
MAX_RELAY_BACKOFF = 30.0


def shipper_pass() -> None:
    """Ship what is due and deliver what has arrived."""
    ship_due()
    deliver_due()


class ShipperLoop:
    """Shipper passes; between them, a prune whenever an hour has gone by since the last."""

    def __init__(self, pruner: PeriodicPrune | None = None):
        self.pruner = pruner or PeriodicPrune()

    def run_pass(self) -> None:
        """Ship and deliver, then prune if it is time (the pruner logs its own failures)."""
        shipper_pass()
        self.pruner()


class RelayLoop:
    """Relay passes, waiting longer after each failed one (up to MAX_RELAY_BACKOFF)."""

    def __init__(self, publisher: Publisher, poll: float):
        self.publisher = publisher
        self.poll = poll
        self.wait = poll

    def run_pass(self) -> float:
        """Run one pass; return the seconds to wait before the next."""
        outcome = relay_batch(self.publisher)
        if outcome.failed:
            self.wait = min(MAX_RELAY_BACKOFF, self.wait * 2)
        elif outcome.published or outcome.given_up:
            # More may be waiting right behind a full batch.
            self.wait = self.poll
            return 0.0
        else:
            self.wait = self.poll
        return self.wait


def _repeat(name: str, work: Callable[[], float | None], poll: float, stop: threading.Event):
    """Run ``work`` until ``stop``; log and survive its failures (a database restart)."""
    while not stop.is_set():
        close_old_connections()
        try:
            wait = work()
        except Exception:
            logger.exception("The %s pass failed; trying again", name)
            wait = poll
        stop.wait(poll if wait is None else wait)
    connections.close_all()


class BackgroundLoops:
    """Start and stop the consumer (with a broker), the shipper (and pruning), the relay."""

    def __init__(self, publisher: Publisher | None = None, consume: bool | None = None):
        self.stop = threading.Event()
        self.poll = settings.FULFILMENT_POLL_SECONDS
        self.publisher = publisher or default_publisher()
        self.consume = bool(settings.FULFILMENT_BROKER_URL) if consume is None else consume
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the threads."""
        relay = RelayLoop(self.publisher, self.poll)
        shipper = ShipperLoop()
        targets: dict[str, Callable[[], None]] = {
            "shipper": lambda: _repeat("shipper", shipper.run_pass, self.poll, self.stop),
            "relay": lambda: _repeat("relay", relay.run_pass, self.poll, self.stop),
        }
        if self.consume:
            consumer = EventConsumer(settings.FULFILMENT_BROKER_URL)
            targets["consumer"] = lambda: self._consume(consumer)
        for name, target in targets.items():
            thread = threading.Thread(target=target, name=f"fulfilment-{name}", daemon=True)
            thread.start()
            self.threads.append(thread)
        logger.info("Background loops running: %s", ", ".join(targets))

    def _consume(self, consumer: EventConsumer) -> None:
        while not self.stop.is_set():
            try:
                consumer.run(stop=self.stop)
            except Exception:
                logger.exception("The consumer stopped; starting it again")
                self.stop.wait(1.0)
        connections.close_all()

    def alive(self) -> bool:
        """Return whether every thread still runs."""
        return all(thread.is_alive() for thread in self.threads)

    def shutdown(self, timeout: float = 10.0) -> None:
        """Ask the loops to stop and wait for them; the message in hand is finished first."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout)
        self.publisher.close()
