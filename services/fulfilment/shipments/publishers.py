"""Sending envelopes on: to the broker with confirms, or signed over HTTP to Emporium."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from kombu import Connection, Producer

from shipments.envelope import Envelope
from shipments.signing import signed_headers
from shipments.topology import events_exchange

logger = logging.getLogger(__name__)


class PublishFailed(RuntimeError):
    """The receiver did not take the envelope; the outbox row stays to be sent again."""


class PublishRefused(PublishFailed):
    """The receiver refused this envelope for good: sending it again gets the same answer."""


#: 4xx answers that are about the moment, not the envelope: sending again may succeed. 401 is
#: there too: Emporium answers it to a wrong key or a skewed clock, which refuses every envelope
#: until the configuration is fixed, never one envelope for good.
RETRYABLE_CLIENT_ERRORS = frozenset({401, 408, 429})


def refused_for_good(status: int) -> bool:
    """Return whether an HTTP status refuses the envelope itself (a 4xx but 401, 408, 429)."""
    return 400 <= status < 500 and status not in RETRYABLE_CLIENT_ERRORS


class Publisher(Protocol):
    """Hands envelopes on; ``publish`` returns only once the receiver has taken the envelope."""

    def publish(self, envelope: Envelope) -> None:
        """Deliver ``envelope``; raise if that cannot be confirmed."""
        ...

    def close(self) -> None:
        """Release whatever the publisher holds."""
        ...


class BrokerPublisher:
    """Publish to ``emporium.events`` with publisher confirms; reconnect after any failure."""

    def __init__(self, url: str, connect_timeout: float = 5.0, confirm_timeout: float = 10.0):
        self.url = url
        self.connect_timeout = connect_timeout
        # A broker that never confirms fails the publish instead of holding the relay's claim.
        self.confirm_timeout = confirm_timeout
        self._connection: Connection | None = None
        self._producer: Producer | None = None

    def _start(self) -> Producer:
        if self._producer is not None:
            return self._producer
        connection = Connection(
            self.url,
            connect_timeout=self.connect_timeout,
            transport_options={"confirm_publish": True},
        )
        try:
            # One quick retry: the relay's own backoff spaces out the passes after a failure.
            connection.ensure_connection(max_retries=1, interval_start=0.2)
            channel = connection.channel()
            events_exchange().declare(channel=channel)
            producer = Producer(channel, exchange=events_exchange())
        except BaseException:
            connection.release()
            raise
        self._connection, self._producer = connection, producer
        return producer

    def publish(self, envelope: Envelope) -> None:
        """Publish persistently with routing key = type; return after the broker's confirm."""
        producer = self._start()
        try:
            producer.publish(
                envelope.to_json(),
                routing_key=envelope.type,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                message_id=str(envelope.id),
                retry=False,
                confirm_timeout=self.confirm_timeout,
            )
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Close the connection, if open; the next publish opens a new one."""
        connection, self._connection, self._producer = self._connection, None, None
        if connection is not None:
            try:
                connection.release()
            except Exception:  # a dead connection cannot be closed cleanly
                logger.debug("closing the broker connection failed", exc_info=True)


class HttpPublisher:
    """POST each envelope, signed, to Emporium's ``/internal/events/`` (no broker)."""

    def __init__(self, url: str, key: str, timeout: float = 2.0):
        self.url = url
        self.key = key
        self.timeout = timeout
        parts = urlsplit(url)
        self._signed_path = parts.path + (f"?{parts.query}" if parts.query else "")
        # Loopback and private peers: an HTTP proxy from the environment must not intervene.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def publish(self, envelope: Envelope) -> None:
        """POST the envelope; raise PublishFailed unless Emporium answers 2xx within the timeout.

        PublishRefused (a PublishFailed) when the answer refuses the envelope itself: a 4xx other
        than 401, 408 and 429 (a suspended or unknown tenant, a payload Emporium cannot apply).
        """
        body = envelope.to_json()
        headers = {"Content-Type": "application/json"}
        headers.update(signed_headers(self.key, "POST", self._signed_path, envelope.tenant, body))
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310  (the URL is our own setting)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            detail = error.read(500).decode("utf-8", "replace")
            failure = PublishRefused if refused_for_good(error.code) else PublishFailed
            raise failure(f"{self.url} answered {error.code}: {detail}") from error
        except (urllib.error.URLError, OSError) as error:
            raise PublishFailed(f"{self.url} unreachable: {error}") from error

    def close(self) -> None:
        """Nothing to release: each publish is its own request."""


def default_publisher() -> Publisher:
    """Return the broker's publisher when a broker is configured, else the HTTP one."""
    if settings.FULFILMENT_BROKER_URL:
        return BrokerPublisher(settings.FULFILMENT_BROKER_URL)
    return HttpPublisher(settings.EMPORIUM_EVENTS_URL, settings.FULFILMENT_SERVICE_KEY)
