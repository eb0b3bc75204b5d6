# kombu ships no type hints.
# mypy: disable-error-code="no-untyped-call"
"""Publishing integration events: to RabbitMQ with confirms, or in-process without a broker."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from kombu.connection import Connection
from kombu.entity import Exchange
from kombu.messaging import Producer

from emporium.infrastructure.messaging.inbox import (
    ConsumerRegistry,
    consumer_registry,
)
from emporium.infrastructure.messaging.retries import RetryPolicy, consume_or_record
from emporium.infrastructure.messaging.topology import (
    EXCHANGE_NAME,
    RETIRED_QUEUES,
    dead_letter_exchange,
    dead_letter_queue,
    events_exchange,
)
from emporium.shared_kernel.events import EventEnvelope

logger = logging.getLogger(__name__)

__all__ = [
    "EXCHANGE_NAME",
    "InProcessPublisher",
    "KombuPublisher",
    "Publisher",
    "default_publisher",
    "events_exchange",
]


class Publisher(Protocol):
    """Sends envelopes on; ``publish`` returns only once the event is safely handed over."""

    def publish(self, envelope: EventEnvelope) -> None:
        """Deliver ``envelope``; raise if it cannot be confirmed."""
        ...

    def close(self) -> None:
        """Release whatever the publisher holds (a broker connection)."""
        ...


class KombuPublisher:
    """Publish to RabbitMQ with publisher confirms: ``publish`` returns after the broker's ack.

    The connection opens (and the exchange is declared) on first use and after any failure, so
    a relay outlives a broker restart: the failed publish raises, the next one reconnects.
    """

    def __init__(
        self, url: str | None = None, connect_timeout: float = 5.0, confirm_timeout: float = 10.0
    ) -> None:
        self.url = url or settings.CELERY_BROKER_URL
        if not self.url:
            raise ValueError("KombuPublisher needs a broker URL (CELERY_BROKER_URL)")
        self.connect_timeout = connect_timeout
        # A broker that never confirms fails the publish instead of holding the relay's locks.
        self.confirm_timeout = confirm_timeout
        self._connection: Connection | None = None
        self._producer: Producer | None = None

    def start(self) -> None:
        """Connect with publisher confirms on and declare the exchange (idempotent)."""
        if self._producer is not None:
            return
        connection = Connection(
            self.url,
            connect_timeout=self.connect_timeout,
            transport_options={"confirm_publish": True},
        )
        try:
            connection.ensure_connection(max_retries=1)
            channel = connection.channel()
            exchange = events_exchange()
            exchange.declare(channel=channel)
            # The dead-letter queue exists before anything could be dead-lettered to it.
            dead_letter_queue()(channel).declare()
            for retired in RETIRED_QUEUES:
                # RabbitMQ answers delete-ok for a queue that does not exist.
                channel.queue_delete(retired)
            self._producer = Producer(channel, exchange=exchange)
        except BaseException:
            connection.release()
            raise
        self._connection = connection

    def publish(self, envelope: EventEnvelope) -> None:
        """Publish ``envelope`` persistently and wait for the broker's confirm."""
        self._send(envelope, events_exchange())

    def dead_letter(self, envelope: EventEnvelope, consumer: str, reason: str) -> None:
        """Copy ``envelope``, which ``consumer`` gave up on, to the dead-letter queue; confirmed."""
        headers = {"x-emporium-consumer": consumer, "x-emporium-error": reason[:500]}
        self._send(envelope, dead_letter_exchange(), headers)

    def _send(
        self, envelope: EventEnvelope, exchange: Exchange, headers: dict[str, str] | None = None
    ) -> None:
        self.start()
        assert self._producer is not None
        try:
            # With confirm_publish the channel waits for basic.ack and raises on a nack.
            self._producer.publish(
                envelope.to_json(),
                exchange=exchange,
                routing_key=envelope.type,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                retry=False,
                confirm_timeout=self.confirm_timeout,
                message_id=str(envelope.id),
                headers=headers,
            )
        except BaseException:
            self.close()
            raise

    @property
    def confirms(self) -> bool:
        """Return whether the open connection has publisher confirms on."""
        if self._connection is None:
            return False
        return bool(getattr(self._connection.connection, "confirm_publish", False))

    def close(self) -> None:
        """Close the connection, if open; the next publish opens a new one."""
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            try:
                connection.release()
            except Exception:  # a dead connection cannot be closed cleanly
                logger.debug("closing the broker connection failed", exc_info=True)


class InProcessPublisher:
    """Without a broker: hand each envelope to the in-process consumers, each once per event.

    A consumer that raises has its failure recorded for a retry with backoff (``retry_due``),
    as a broker consumer would; the others are unaffected. Only when even the failure cannot be
    recorded does ``publish`` raise, so the relay keeps the row and tries the event again (the
    consumers that already succeeded skip it then: their inbox has it).
    """

    def __init__(
        self,
        registry: ConsumerRegistry | None = None,
        using: str = "default",
        policy: RetryPolicy | None = None,
    ) -> None:
        self.registry = registry or consumer_registry()
        self.using = using
        self.policy = policy or RetryPolicy.from_settings()

    def publish(self, envelope: EventEnvelope) -> None:
        """Run every consumer of the envelope's type; raise if a failure could not be recorded."""
        unrecorded: BaseException | None = None
        for name, handler in self.registry.consumers_for(envelope.type):
            try:
                consume_or_record(name, envelope, handler, self.policy, using=self.using)
            except Exception as recording:  # noqa: BLE001  (the relay keeps the row)
                unrecorded = unrecorded or recording
        if unrecorded is not None:
            raise unrecorded

    def close(self) -> None:
        """Nothing to release."""


def default_publisher() -> KombuPublisher | InProcessPublisher:
    """Return the broker's publisher when one is configured, else the in-process one."""
    if settings.CELERY_BROKER_URL:
        return KombuPublisher()
    return InProcessPublisher()
