"""Ports of the fulfilment context: where the service runs, what every process shares, shipments."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from emporium.fulfilment.domain.tracking import Tracking

#: Seconds since the epoch; the breaker's moments are compared across processes, so wall time.
Clock = Callable[[], float]


@dataclass(frozen=True)
class ServiceInstance:
    """One running copy of a service: an id stable across processes and its base URL."""

    id: str
    url: str


class ServiceRegistry(Protocol):
    """Knows where a service's instances run (a static list, DNS SRV, Consul ...)."""

    def instances(self, service: str) -> list[ServiceInstance]:
        """Return every known instance of ``service``, healthy or not, in a stable order."""
        ...


class HealthMarks(Protocol):
    """Remembers, for every process at once, which instances are out of rotation for a while."""

    def out_of_rotation(self, instances: Iterable[ServiceInstance]) -> set[str]:
        """Return the ids of those of ``instances`` that are out of rotation now."""
        ...

    def take_out(self, instance: ServiceInstance, seconds: float) -> None:
        """Take ``instance`` out of rotation for ``seconds``."""
        ...

    def put_back(self, instance: ServiceInstance) -> None:
        """Put ``instance`` back into rotation at once."""
        ...


class SharedCounters(Protocol):
    """Numbers every process sees, changed only by atomic steps (the breaker's state).

    ``ttl`` is in seconds; None keeps the key until it is changed.
    """

    def get_many(self, keys: Collection[str]) -> dict[str, float]:
        """Return the values of those of ``keys`` that exist."""
        ...

    def add(self, key: str, value: float, ttl: float | None) -> bool:
        """Set ``key`` only if it does not exist; return whether this call set it."""
        ...

    def incr(self, key: str, ttl: float | None) -> int:
        """Add one to the counter ``key`` (created at 0 expiring after ``ttl``); return it."""
        ...

    def set(self, key: str, value: float, ttl: float | None) -> None:
        """Set ``key`` whatever it held."""
        ...

    def delete_many(self, keys: Collection[str]) -> None:
        """Delete ``keys``; missing ones are no error."""
        ...


class ShipmentTracker(Protocol):
    """Asks the fulfilment service about an order's shipment."""

    def shipment(self, tenant: str, order_id: UUID) -> Tracking | None:
        """Return the shipment of ``tenant``'s order, or None when the service has none.

        Raise ``ServiceUnavailable`` when the service cannot answer.
        """
        ...


class OrderDirectory(Protocol):
    """Knows whose an order of the current shop is."""

    def customer_of(self, order_id: UUID) -> UUID | None:
        """Return the customer who placed ``order_id``, or None when there is no such order."""
        ...

    def shipment_requested(self, order_id: UUID) -> bool:
        """Return whether the order was sent to the fulfilment service (paid, with an address)."""
        ...
