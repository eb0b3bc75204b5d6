# kombu ships no type hints.
# mypy: disable-error-code="no-untyped-call"
"""Broker consumers: one durable queue per consumer, acked only after its work committed."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from kombu.connection import Connection
from kombu.entity import Queue
from kombu.exceptions import OperationalError
from kombu.message import Message
from kombu.messaging import Consumer

from emporium.infrastructure.messaging.inbox import (
    ConsumerRegistry,
    EnvelopeHandler,
    consumer_registry,
)
from emporium.infrastructure.messaging.publisher import KombuPublisher
from emporium.infrastructure.messaging.retries import (
    RetryOutcome,
    RetryPolicy,
    clear_failure,
    consume_or_record,
    retry_due,
)
from emporium.infrastructure.messaging.topology import (
    DEAD_LETTER_EXCHANGE,
    DEAD_LETTER_QUEUE,
    MAX_DELIVERIES,
    consumer_queue,
    dead_letter_queue,
)
from emporium.shared_kernel.events import EventEnvelope

logger = logging.getLogger(__name__)

__all__ = [
    "DEAD_LETTER_EXCHANGE",
    "DEAD_LETTER_QUEUE",
    "MAX_DELIVERIES",
    "EventConsumer",
    "consumer_queue",
    "dead_letter_queue",
]

#: Seconds between two passes over the consumer's due retries while messages keep coming.
RETRY_SWEEP_INTERVAL = 1.0
#: Seconds to wait before connecting again after the broker went away.
RECONNECT_DELAY = 1.0
#: Longest pause before handing a message back while even its failure cannot be recorded.
MAX_DATABASE_PAUSE = 30.0


class EventConsumer:
    """Consume ``consumer``'s queue: each message runs ``consume_once``, then is acked.

    A handler that raises has its failure recorded with the envelope (``record_failure``) and
    the message is acked: the retry, after its backoff, runs from that record
    (``retry_due``, between messages), and the last failed attempt copies the envelope to the
    dead-letter queue. Only when the failure cannot even be recorded (the database is down as
    well) does the message go back to the broker, whose delivery limit then bounds it.
    """

    def __init__(
        self,
        consumer: str,
        url: str | None = None,
        registry: ConsumerRegistry | None = None,
        policy: RetryPolicy | None = None,
    ) -> None:
        self.consumer = consumer
        self.url = url or settings.CELERY_BROKER_URL
        if not self.url:
            raise ValueError("consuming needs a broker URL (CELERY_BROKER_URL)")
        self.registry = registry or consumer_registry()
        self.policy = policy or RetryPolicy.from_settings()
        self.handlers: dict[str, EnvelopeHandler] = {}
        for event_type in self.registry.event_types():
            handler = self.registry.handler_for(consumer, event_type)
            if handler is not None:
                self.handlers[event_type] = handler
        if not self.handlers:
            raise ValueError(f"no consumer named {consumer!r} is registered")
        self.handled = 0
        self.failed = 0
        self.retried = RetryOutcome()
        self._dead_letters: KombuPublisher | None = None
        self._database_pause = 0.0

    def queue(self) -> Queue:
        """Return this consumer's queue."""
        return consumer_queue(self.consumer, sorted(self.handlers))

    def run(
        self, once: bool = False, stop: threading.Event | None = None, idle: float = 1.0
    ) -> None:
        """Consume until ``stop`` is set, or (``once``) until ``idle`` s passed with nothing to do.

        A lost broker connection (a broker restart) is logged and the consumer connects again;
        the unacked message, if any, is redelivered by the broker.
        """
        stop = stop or threading.Event()
        self._dead_letters = KombuPublisher(self.url)
        # A broker still down when reconnecting raises OperationalError from ensure_connection.
        lost = (*Connection(self.url).connection_errors, OperationalError)
        try:
            while not stop.is_set():
                try:
                    if self._consume(once, stop, idle):
                        return
                except lost as error:
                    if once:
                        raise
                    logger.warning(
                        "Consumer %s lost the broker (%s); connecting again", self.consumer, error
                    )
                    stop.wait(RECONNECT_DELAY)
        finally:
            self._dead_letters.close()

    def _consume(self, once: bool, stop: threading.Event, idle: float) -> bool:
        """Consume on one connection; return True when ``once`` found nothing more to do."""
        with Connection(self.url, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=1)
            channel = connection.channel()
            dead_letter_queue()(channel).declare()
            queue = self.queue()(channel)
            queue.declare()
            last_sweep = 0.0
            # One unacked message at a time: a dead worker leaves one message to redeliver.
            # on_message takes the raw message: the body is ours to parse, a bad one is ours to
            # dead-letter (kombu's own decoding would raise out of the loop instead).
            with Consumer(channel, queues=[queue], on_message=self._on_message, prefetch_count=1):
                while not stop.is_set():
                    try:
                        connection.drain_events(timeout=idle)
                    except TimeoutError:
                        last_sweep = time.monotonic()
                        if not self._retry_due().tried and once:
                            return True
                        continue
                    if time.monotonic() - last_sweep >= RETRY_SWEEP_INTERVAL:
                        last_sweep = time.monotonic()
                        self._retry_due()
        return False

    def _retry_due(self) -> RetryOutcome:
        close_old_connections()
        try:
            outcome = retry_due(
                self.registry,
                self.policy,
                consumers=[self.consumer],
                dead_letters=self._dead_letters,
            )
        except DatabaseError:
            # The database is away; the records wait for it, and the next pass tries again.
            logger.exception("Consumer %s could not run its due retries", self.consumer)
            return RetryOutcome()
        self.retried.succeeded += outcome.succeeded
        self.retried.failed += outcome.failed
        return outcome

    @staticmethod
    def _may_have_failed(message: Message) -> bool:
        """Return whether a failure of this message may be on record.

        Only a redelivery (the worker died after recording, before the ack) or a dead letter
        sent back (it carries our dead-letter headers) can be; every other message skips the
        extra DELETE.
        """
        headers = message.headers or {}
        return bool(message.delivery_info.get("redelivered")) or "x-emporium-consumer" in headers

    def _clearing(self, handler: EnvelopeHandler) -> EnvelopeHandler:
        """Return ``handler`` that also forgets an earlier recorded failure, in its transaction."""

        def handle(envelope: EventEnvelope) -> None:
            handler(envelope)
            clear_failure(self.consumer, envelope.id)

        return handle

    def _on_message(self, message: Message) -> None:
        message_id = message.properties.get("message_id")
        try:
            envelope = EventEnvelope.from_json(message.body)
            handler = self.handlers[envelope.type]
        except Exception:
            # Nothing to retry: no try would read it better. Straight to the dead letters.
            logger.exception(
                "Consumer %s cannot read message %s; dead-lettering it", self.consumer, message_id
            )
            self.failed += 1
            message.reject(requeue=False)
            return
        # A connection broken by a database restart is dropped here rather than failing the work.
        close_old_connections()
        if self._may_have_failed(message):
            handler = self._clearing(handler)
        try:
            went_through = consume_or_record(
                self.consumer, envelope, handler, self.policy, self._dead_letters
            )
        except Exception:
            # The database is down too. Pause before handing the message back, so that an
            # outage does not spend the broker's few deliveries (past them it dead-letters).
            self.failed += 1
            self._database_pause = min(MAX_DATABASE_PAUSE, self._database_pause * 2 or 1.0)
            logger.exception(
                "Recording the failure of %s failed; requeueing it in %.0f s",
                envelope.id,
                self._database_pause,
            )
            time.sleep(self._database_pause)
            message.requeue()
            return
        if went_through:
            self.handled += 1
        else:
            self.failed += 1
        self._database_pause = 0.0
        # Only now: the handler's transaction (with its inbox row), or the failure's record,
        # has committed.
        message.ack()
