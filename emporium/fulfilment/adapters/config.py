"""The link's settings, each read with its default so that none is required to start."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from emporium.fulfilment.application.breaker import BreakerPolicy

#: The service's name in the registry (``EMPORIUM_SERVICES_FILE``'s key).
SERVICE = "fulfilment"


@dataclass(frozen=True)
class LinkConfig:
    """Everything the HTTP link to the fulfilment service is tuned by."""

    key: str
    urls: tuple[str, ...]
    services_file: str
    connect_timeout: float
    read_timeout: float
    write_timeout: float
    pool_timeout: float
    attempts: int
    backoff_initial: float
    backoff_max: float
    backoff_jitter: float
    out_of_rotation_seconds: float
    health_timeout: float
    health_cache_seconds: float
    breaker: BreakerPolicy


def _urls(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    parts = value.split(",") if isinstance(value, str) else value
    return tuple(part.strip() for part in parts if part.strip())


def link_config() -> LinkConfig:
    """Return the link's settings as they are now."""

    def read(name: str, default: float) -> float:
        return float(getattr(settings, name, default))

    return LinkConfig(
        key=str(getattr(settings, "FULFILMENT_SERVICE_KEY", "")),
        urls=_urls(getattr(settings, "FULFILMENT_SERVICE_URLS", "")),
        services_file=str(getattr(settings, "EMPORIUM_SERVICES_FILE", "")),
        connect_timeout=read("FULFILMENT_CONNECT_TIMEOUT", 1.0),
        read_timeout=read("FULFILMENT_READ_TIMEOUT", 2.0),
        write_timeout=read("FULFILMENT_WRITE_TIMEOUT", 2.0),
        pool_timeout=read("FULFILMENT_POOL_TIMEOUT", 1.0),
        attempts=int(read("FULFILMENT_RETRY_ATTEMPTS", 3)),
        backoff_initial=read("FULFILMENT_RETRY_BACKOFF_SECONDS", 0.1),
        backoff_max=read("FULFILMENT_RETRY_BACKOFF_MAX_SECONDS", 1.0),
        backoff_jitter=read("FULFILMENT_RETRY_JITTER_SECONDS", 0.1),
        out_of_rotation_seconds=read("FULFILMENT_OUT_OF_ROTATION_SECONDS", 10.0),
        health_timeout=read("FULFILMENT_HEALTH_TIMEOUT", 1.0),
        health_cache_seconds=read("FULFILMENT_HEALTH_CACHE_SECONDS", 5.0),
        breaker=BreakerPolicy(
            consecutive_failures=int(read("FULFILMENT_BREAKER_CONSECUTIVE_FAILURES", 5)),
            failure_rate=read("FULFILMENT_BREAKER_FAILURE_RATE", 0.5),
            minimum_calls=int(read("FULFILMENT_BREAKER_MINIMUM_CALLS", 20)),
            window_seconds=int(read("FULFILMENT_BREAKER_WINDOW_SECONDS", 60)),
            bucket_seconds=int(read("FULFILMENT_BREAKER_BUCKET_SECONDS", 5)),
            cooldown_seconds=read("FULFILMENT_BREAKER_COOLDOWN_SECONDS", 30.0),
            trial_timeout_seconds=read("FULFILMENT_BREAKER_TRIAL_TIMEOUT_SECONDS", 30.0),
        ),
    )
