"""The broker consumer of ``fulfilment.events``: each message acked only after its commit."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import InterfaceError, close_old_connections
from django.db import OperationalError as DatabaseOperationalError
from kombu import Connection, Consumer
from kombu.exceptions import OperationalError
from kombu.message import Message

from shipments.commands import Command, UnknownEventType
from shipments.envelope import Envelope, UnreadableEnvelope
from shipments.handlers import handle
from shipments.inbox import CONSUMER, apply_envelope
from shipments.topology import Topology, events_exchange

logger = logging.getLogger(__name__)

#: Seconds to wait before connecting again after the broker went away.
RECONNECT_DELAY = 1.0
#: Longest pause before trying a failed message again (doubling while failures last).
MAX_FAILURE_PAUSE = 10.0
#: What the database raises while it is down or restarting (a broken or refused connection).
DATABASE_AWAY = (DatabaseOperationalError, InterfaceError)


class EventConsumer:
    """Consume the service's queue with prefetch 1; ack after commit, dead-letter the unreadable.

    A handler that raises rolls its transaction back (inbox row included) and the message is
    requeued after a short pause: the quorum queue counts the deliveries and, past
    ``Topology.max_deliveries``, dead-letters it by itself. A database that is away is no fault
    of the message: that one is kept and tried again until the database answers, so an outage
    spends none of its deliveries.
    """

    def __init__(
        self,
        url: str,
        topology: Topology | None = None,
        consumer: str = CONSUMER,
        handler: Callable[[Command], None] = handle,
        first_failure_pause: float = 0.5,
        reconnect_delay: float = RECONNECT_DELAY,
    ):
        if not url:
            raise ValueError("consuming needs a broker URL (FULFILMENT_BROKER_URL)")
        self.url = url
        self.topology = topology or Topology()
        self.consumer = consumer
        self.handler = handler
        self.first_failure_pause = first_failure_pause
        self.reconnect_delay = reconnect_delay
        #: The open broker connection, and how many were opened so far.
        self.connection: Connection | None = None
        self.connections = 0
        self.handled = 0
        self.duplicates = 0
        self.dead_lettered = 0
        self.requeued = 0
        self.database_waits = 0
        self._failure_pause = 0.0
        self._stop = threading.Event()

    def run(self, stop: threading.Event | None = None, once: bool = False, idle: float = 1.0):
        """Consume until ``stop`` is set, or (``once``) until ``idle`` s pass with no message.

        A lost broker connection is logged and the consumer connects again; the unacked
        message, if any, is redelivered by the broker.
        """
        self._stop = stop or threading.Event()
        lost = (*Connection(self.url).connection_errors, OperationalError)
        while not self._stop.is_set():
            try:
                if self._consume(once, idle):
                    return
            except lost as error:
                if once:
                    raise
                logger.warning("The consumer lost the broker (%s); connecting again", error)
                self._stop.wait(self.reconnect_delay)

    def declare(self, connection: Connection) -> None:
        """Declare the exchange, the dead letters and the queue with its bindings."""
        channel = connection.default_channel
        events_exchange().declare(channel=channel)
        self.topology.dead_letters()(channel).declare()
        self.topology.events_queue()(channel).declare()

    def _consume(self, once: bool, idle: float) -> bool:
        """Consume on one connection; return True when ``once`` found nothing more to do."""
        with Connection(self.url, connect_timeout=5, heartbeat=30) as connection:
            connection.ensure_connection(max_retries=1)
            self.connection = connection
            self.connections += 1
            self.declare(connection)
            queue = self.topology.events_queue()(connection.default_channel)
            # The raw message: its body is ours to parse and a bad one ours to dead-letter.
            with Consumer(
                connection.default_channel,
                queues=[queue],
                on_message=self._on_message,
                prefetch_count=1,
            ):
                while not self._stop.is_set():
                    try:
                        connection.drain_events(timeout=idle)
                    except TimeoutError:
                        connection.heartbeat_check()
                        if once:
                            return True
        return False

    def _on_message(self, message: Message) -> None:
        message_id = message.properties.get("message_id")
        try:
            envelope = Envelope.from_json(message.body)
        except UnreadableEnvelope as error:
            self._dead_letter(message, f"unreadable message {message_id}: {error}")
            return
        while True:
            # A connection broken by a database restart is dropped here, not used and failed.
            close_old_connections()
            try:
                applied = apply_envelope(envelope, self.consumer, self.handler)
            except (UnknownEventType, UnreadableEnvelope) as error:
                # No later try reads it better: straight to the dead letters.
                self._dead_letter(message, f"{envelope.type} {envelope.id}: {error!r}")
                return
            except DATABASE_AWAY as error:
                # The database is away, the message is not at fault: keep it (unacked, so none
                # of its few deliveries is spent) and try again once the database may be back.
                if self._stop.is_set():
                    message.requeue()
                    return
                self.database_waits += 1
                pause = self._next_pause()
                logger.warning(
                    "The database is unavailable (%s); trying %s again in %.1f s",
                    error,
                    envelope.id,
                    pause,
                )
                self._wait(pause)
                continue
            except Exception:
                self.requeued += 1
                pause = self._next_pause()
                logger.exception(
                    "Applying %s %s failed; requeueing it in %.1f s",
                    envelope.type,
                    envelope.id,
                    pause,
                )
                self._wait(pause)
                message.requeue()
                return
            break
        self._failure_pause = 0.0
        if applied:
            self.handled += 1
        else:
            self.duplicates += 1
        # Only now: the envelope's transaction, inbox row included, has committed.
        message.ack()

    def _next_pause(self) -> float:
        self._failure_pause = min(
            MAX_FAILURE_PAUSE, self._failure_pause * 2 or self.first_failure_pause
        )
        return self._failure_pause

    def _wait(self, seconds: float) -> None:
        """Wait (less if stopped), keeping the broker's heartbeats going meanwhile."""
        deadline = time.monotonic() + seconds
        while not self._stop.is_set() and (left := deadline - time.monotonic()) > 0:
            self._stop.wait(min(left, 1.0))
            if self.connection is not None:
                self.connection.heartbeat_check()

    def _dead_letter(self, message: Message, reason: str) -> None:
        logger.error("Dead-lettering %s", reason)
        self.dead_lettered += 1
        message.reject(requeue=False)
