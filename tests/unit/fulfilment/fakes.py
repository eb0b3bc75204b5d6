"""Working in-memory implementations of the fulfilment ports, on a clock the test moves."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from uuid import UUID

from emporium.fulfilment.application.errors import ServiceUnavailable
from emporium.fulfilment.application.ports import ServiceInstance
from emporium.fulfilment.domain.tracking import Tracking


@dataclass
class FakeClock:
    """Seconds since the epoch, moved only by ``advance``."""

    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class MemoryCounters:
    """``SharedCounters`` in a dict; keys expire on the given clock."""

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, float | None]] = {}

    def _live(self, key: str) -> float | None:
        entry = self._values.get(key)
        if entry is None:
            return None
        value, expires = entry
        if expires is not None and expires <= self._clock():
            del self._values[key]
            return None
        return value

    def _expiry(self, ttl: float | None) -> float | None:
        return None if ttl is None else self._clock() + ttl

    def get_many(self, keys: Collection[str]) -> dict[str, float]:
        with self._lock:
            found = {key: self._live(key) for key in keys}
        return {key: value for key, value in found.items() if value is not None}

    def add(self, key: str, value: float, ttl: float | None) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._values[key] = (value, self._expiry(ttl))
            return True

    def incr(self, key: str, ttl: float | None) -> int:
        with self._lock:
            if self._live(key) is None:
                self._values[key] = (0, self._expiry(ttl))
            value, expires = self._values[key]
            self._values[key] = (value + 1, expires)
            return int(value + 1)

    def set(self, key: str, value: float, ttl: float | None) -> None:
        with self._lock:
            self._values[key] = (value, self._expiry(ttl))

    def delete_many(self, keys: Collection[str]) -> None:
        with self._lock:
            for key in keys:
                self._values.pop(key, None)

    def keys(self) -> set[str]:
        with self._lock:
            return {key for key in list(self._values) if self._live(key) is not None}


class MemoryRegistry:
    """``ServiceRegistry`` over a dict of base URLs."""

    def __init__(self, **services: list[str]) -> None:
        self.services = services

    def instances(self, service: str) -> list[ServiceInstance]:
        return [ServiceInstance(id=url, url=url) for url in self.services.get(service, [])]


class MemoryMarks:
    """``HealthMarks`` in a dict, expiring on the given clock."""

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self.until: dict[str, float] = {}

    def out_of_rotation(self, instances: Iterable[ServiceInstance]) -> set[str]:
        now = self._clock()
        return {i.id for i in instances if self.until.get(i.id, 0) > now}

    def take_out(self, instance: ServiceInstance, seconds: float) -> None:
        self.until[instance.id] = self._clock() + seconds

    def put_back(self, instance: ServiceInstance) -> None:
        self.until.pop(instance.id, None)


@dataclass
class MemoryOrders:
    """``OrderDirectory``: order id -> customer id; ``unsent`` orders have no shipment asked."""

    customers: dict[UUID, UUID] = field(default_factory=dict)
    unsent: set[UUID] = field(default_factory=set)

    def customer_of(self, order_id: UUID) -> UUID | None:
        return self.customers.get(order_id)

    def shipment_requested(self, order_id: UUID) -> bool:
        return order_id in self.customers and order_id not in self.unsent


@dataclass
class MemoryTracker:
    """``ShipmentTracker``: (tenant, order id) -> shipment; ``down`` makes it unavailable."""

    shipments: dict[tuple[str, UUID], Tracking] = field(default_factory=dict)
    down: int | None = None
    asked: list[tuple[str, UUID]] = field(default_factory=list)

    def shipment(self, tenant: str, order_id: UUID) -> Tracking | None:
        self.asked.append((tenant, order_id))
        if self.down is not None:
            raise ServiceUnavailable(retry_after=self.down)
        return self.shipments.get((tenant, order_id))
