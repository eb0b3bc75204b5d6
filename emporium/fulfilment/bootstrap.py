"""Wire the fulfilment link: one client, rotation and breaker per process, state shared.

What every process must agree on (the breaker, the instances out of rotation, the last health
verdict) lives in the ``platform`` cache; what is per process is only the connection pool.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import httpx
from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed

from emporium.fulfilment.adapters import link_consumers
from emporium.fulfilment.adapters.config import SERVICE, LinkConfig, link_config
from emporium.fulfilment.adapters.health import HealthChecker
from emporium.fulfilment.adapters.http_client import RetryPolicy, ServiceClient
from emporium.fulfilment.adapters.orders import OrderingDirectory
from emporium.fulfilment.adapters.registry import JsonFileRegistry, StaticRegistry
from emporium.fulfilment.adapters.shared_state import ALIAS, CacheCounters, CacheHealthMarks
from emporium.fulfilment.adapters.tracker import HttpShipmentTracker
from emporium.fulfilment.application import track_shipment as tracking
from emporium.fulfilment.application.breaker import BreakerStatus, CircuitBreaker
from emporium.fulfilment.application.ports import ServiceRegistry
from emporium.fulfilment.application.rotation import Rotation
from emporium.fulfilment.domain.tracking import Tracking
from emporium.infrastructure.messaging.inbox import ConsumerRegistry
from emporium.ordering.public import fulfilment_requested
from emporium.shared_kernel.events import EventEnvelope

#: The last health verdict, shared by every process for ``FULFILMENT_HEALTH_CACHE_SECONDS``.
HEALTH_KEY = "fulfilment:health"


@dataclass(frozen=True)
class Link:
    """The objects that make up this process's side of the link."""

    config: LinkConfig
    rotation: Rotation
    breaker: CircuitBreaker
    client: ServiceClient
    checker: HealthChecker

    def close(self) -> None:
        self.client.close()
        self.checker.close()


_lock = threading.Lock()
_link: Link | None = None


def registry_of(config: LinkConfig) -> ServiceRegistry:
    """Return the registry the settings name: the URLs first, else the services file."""
    if config.urls:
        return StaticRegistry({SERVICE: config.urls})
    if config.services_file:
        return JsonFileRegistry(config.services_file)
    return StaticRegistry({})


def build_link(config: LinkConfig, transport: httpx.BaseTransport | None = None) -> Link:
    """Return a link tuned by ``config`` (``transport`` replaces the network, for tests)."""
    rotation = Rotation(SERVICE, registry_of(config), CacheHealthMarks())
    breaker = CircuitBreaker(SERVICE, CacheCounters(), config.breaker)
    client = ServiceClient(
        rotation=rotation,
        breaker=breaker,
        key=config.key,
        timeout=httpx.Timeout(
            connect=config.connect_timeout,
            read=config.read_timeout,
            write=config.write_timeout,
            pool=config.pool_timeout,
        ),
        retry=RetryPolicy(
            attempts=config.attempts,
            initial=config.backoff_initial,
            maximum=config.backoff_max,
            jitter=config.backoff_jitter,
        ),
        out_of_rotation_seconds=config.out_of_rotation_seconds,
        transport=transport,
    )
    checker = HealthChecker(
        rotation,
        timeout=config.health_timeout,
        out_of_rotation_seconds=config.out_of_rotation_seconds,
        transport=transport,
    )
    return Link(config, rotation, breaker, client, checker)


def link() -> Link:
    """Return this process's link, built from the settings on first use."""
    global _link
    current = _link
    if current is None:
        with _lock:
            if _link is None:
                _link = build_link(link_config())
            current = _link
    return current


def forget_link(**kwargs: Any) -> None:
    """Drop this process's link, so that the next use reads the settings again."""
    global _link
    with _lock:
        old, _link = _link, None
    if old is not None:
        old.close()


def _on_setting_changed(setting: str, **kwargs: Any) -> None:
    if setting.startswith("FULFILMENT_") or setting == "EMPORIUM_SERVICES_FILE":
        forget_link()


setting_changed.connect(_on_setting_changed, dispatch_uid="fulfilment.forget_link")


def register_consumers(registry: ConsumerRegistry) -> None:
    """Consume the service's dispatches; without a broker, also push it what it consumes."""
    registry.register(
        link_consumers.CONSUMER, link_consumers.SHIPMENT_DISPATCHED, link_consumers.record_dispatch
    )
    if not settings.CELERY_BROKER_URL:
        # With a broker the service reads these from its own queue (ADR 0018).
        for event_type in link_consumers.FORWARDED:
            registry.register(link_consumers.LINK_CONSUMER, event_type, _forward)


def _forward(envelope: EventEnvelope) -> None:
    if link_consumers.concerns_service(envelope, fulfilment_requested):
        link_consumers.forward_to_service(link().client, envelope)


def track_shipment(cmd: tracking.TrackShipment) -> Tracking:
    """Return the order's live shipment from the fulfilment service."""
    return tracking.track_shipment(cmd, OrderingDirectory(), HttpShipmentTracker(link().client))


def check_instances() -> dict[str, bool]:
    """Health-check every instance now, taking the failing ones out of rotation."""
    return link().checker.check()


def service_health() -> bool:
    """Return whether some instance answers ``/healthz``; the verdict is shared for seconds."""
    cache = caches[ALIAS]
    verdict = cache.get(HEALTH_KEY)
    if verdict is None:
        verdict = int(any(check_instances().values()))
        cache.set(HEALTH_KEY, verdict, timeout=link().config.health_cache_seconds)
    return bool(verdict)


def breaker_status() -> BreakerStatus:
    """Return the breaker's state and counts, as every process sees them."""
    return link().breaker.status()
