"""Signed HTTP calls to a service: timeouts, retries on another instance, a shared breaker.

One call, as the breaker counts it, is up to ``attempts`` tries, each against the next
instance of the rotation. Only what may pass on another try is retried: a timeout, a
connection that failed or broke, a 5xx. Anything the service answered below 500 (a 404
included) is a success for the breaker and is returned to the caller as it is.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import tenacity

from emporium.fulfilment.adapters import signing
from emporium.fulfilment.application.breaker import CircuitBreaker
from emporium.fulfilment.application.ports import ServiceInstance
from emporium.fulfilment.application.rotation import Rotation

logger = logging.getLogger(__name__)

#: What a try may fail with and another try may pass: timeouts, refused or broken connections.
TRANSIENT = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)


class CallFailed(Exception):
    """Every try of a call failed, or there was no instance to try."""


class NoInstance(CallFailed):
    """The registry knows no instance of the service."""


class NotConfigured(CallFailed):
    """The link has no key: no request could be signed, so none is made."""


class ServerError(Exception):
    """An instance answered 5xx: the try failed, and another may pass."""

    def __init__(self, instance: ServiceInstance, response: httpx.Response) -> None:
        super().__init__(f"{instance.url} answered {response.status_code}")
        self.response = response


@dataclass(frozen=True)
class RetryPolicy:
    """How many tries a call gets and how long to wait between them."""

    attempts: int = 3
    #: Exponential: ``initial`` seconds, doubling, at most ``maximum``, plus up to ``jitter``.
    initial: float = 0.1
    maximum: float = 1.0
    jitter: float = 0.1


class ServiceClient:
    """Calls one service through its rotation, signed with the link's key, behind a breaker."""

    def __init__(
        self,
        *,
        rotation: Rotation,
        breaker: CircuitBreaker,
        key: str,
        timeout: httpx.Timeout,
        retry: RetryPolicy | None = None,
        out_of_rotation_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rotation = rotation
        self.breaker = breaker
        self.timeout = timeout
        self._key = key
        self._retry = retry or RetryPolicy()
        self._out_seconds = out_of_rotation_seconds
        self._sleep = sleep
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)

    def get(self, path: str, *, tenant: str = "") -> httpx.Response:
        """GET ``path`` (with its query) as ``tenant``; see ``request``."""
        return self.request("GET", path, tenant=tenant)

    def request(
        self, method: str, path: str, *, tenant: str = "", body: bytes = b""
    ) -> httpx.Response:
        """Make one call and return the service's answer below 500.

        Raise ``BreakerOpen`` at once, touching no instance, while the breaker is open, and
        ``CallFailed`` when every try failed (which counts as one failure for the breaker) or
        when the link has no key (which does not).
        """
        if not self._key:
            raise NotConfigured("FULFILMENT_SERVICE_KEY is not set")
        permit = self.breaker.acquire()
        try:
            response = self._tries(method, path, tenant, body)
        except CallFailed:
            self.breaker.failed(permit)
            raise
        except BaseException:
            self.breaker.abandoned(permit)  # not the service's failure: say nothing of it
            raise
        self.breaker.succeeded(permit)
        return response

    def close(self) -> None:
        """Close the pooled connections."""
        self._http.close()

    def _tries(self, method: str, path: str, tenant: str, body: bytes) -> httpx.Response:
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self._retry.attempts),
            wait=tenacity.wait_exponential_jitter(
                multiplier=self._retry.initial,
                max=self._retry.maximum,
                jitter=self._retry.jitter,
            ),
            retry=tenacity.retry_if_exception_type((ServerError, *TRANSIENT)),
            sleep=self._sleep,
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            return retrying(self._try, method, path, tenant, body)
        except (ServerError, *TRANSIENT) as exc:
            raise CallFailed(f"{method} {path}: {self._retry.attempts} tries failed") from exc

    def _try(self, method: str, path: str, tenant: str, body: bytes) -> httpx.Response:
        instance = self.rotation.next()
        if instance is None:
            raise NoInstance(f"no instance of {self.rotation.service} is known")
        request = self._http.build_request(method, instance.url + path, content=body)
        signed_path = request.url.raw_path.decode("ascii")
        request.headers.update(signing.signed_headers(self._key, method, signed_path, tenant, body))
        try:
            response = self._http.send(request)
        except TRANSIENT as exc:
            self._take_out(instance, type(exc).__name__)
            raise
        if response.status_code >= 500:
            self._take_out(instance, str(response.status_code))
            raise ServerError(instance, response)
        return response

    def _take_out(self, instance: ServiceInstance, why: str) -> None:
        logger.warning(
            "%s instance %s failed (%s): out of rotation for %s s",
            self.rotation.service,
            instance.url,
            why,
            self._out_seconds,
        )
        self.rotation.take_out(instance, self._out_seconds)

    def _log_retry(self, state: tenacity.RetryCallState) -> None:
        logger.info(
            "retrying a %s call (try %d failed), in %.2f s",
            self.rotation.service,
            state.attempt_number,
            state.next_action.sleep if state.next_action else 0.0,
        )
