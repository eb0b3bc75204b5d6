"""Which instance of a service the next attempt goes to: round-robin over the healthy ones."""

from __future__ import annotations

import itertools

from emporium.fulfilment.application.ports import HealthMarks, ServiceInstance, ServiceRegistry


class Rotation:
    """Hand out a service's instances in turn, skipping those out of rotation.

    When every instance is out of rotation, all of them are handed out in turn all the same:
    a mark may be stale (a restart that answers again), and a call that may succeed is better
    than a refusal that certainly fails. The breaker, not the rotation, stops calls to a
    service that is down.
    """

    def __init__(self, service: str, registry: ServiceRegistry, marks: HealthMarks) -> None:
        self.service = service
        self._registry = registry
        self._marks = marks
        self._turn = itertools.count()  # next() on a count is atomic under the GIL

    def instances(self) -> list[ServiceInstance]:
        """Return every known instance, healthy or not."""
        return self._registry.instances(self.service)

    def next(self) -> ServiceInstance | None:
        """Return the instance for the next attempt, or None when none is known at all."""
        instances = self.instances()
        if not instances:
            return None
        out = self._marks.out_of_rotation(instances)
        pool = [instance for instance in instances if instance.id not in out] or instances
        return pool[next(self._turn) % len(pool)]

    def take_out(self, instance: ServiceInstance, seconds: float) -> None:
        """Take ``instance`` out of rotation for ``seconds``, in every process."""
        self._marks.take_out(instance, seconds)

    def put_back(self, instance: ServiceInstance) -> None:
        """Put ``instance`` back into rotation at once."""
        self._marks.put_back(instance)
