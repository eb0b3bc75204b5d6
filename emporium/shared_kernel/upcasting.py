"""Upcasters: turn a stored event's payload of an old schema version into the current shape."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

Payload = dict[str, Any]
#: Turns a payload of version n into one of version n + 1.
Upcaster = Callable[[Payload], Payload]


class UnknownSchemaVersion(ValueError):
    """A stored event has a schema version that no upcaster chain reaches the current one from."""


class UpcasterChain:
    """The upcasters of some event types, each from one version to the next."""

    def __init__(self, current: dict[str, int]) -> None:
        # The current schema version of every event type the chain knows.
        self._current = dict(current)
        self._steps: dict[tuple[str, int], Upcaster] = {}

    def register(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Decorate the upcaster of ``event_type`` from ``from_version`` to the next version."""
        if from_version >= self._current.get(event_type, 1):
            raise ValueError(f"{event_type} v{from_version} is not older than the current one")

        def add(step: Upcaster) -> Upcaster:
            self._steps[(event_type, from_version)] = step
            return step

        return add

    def current_version(self, event_type: str) -> int:
        """Return the schema version events of ``event_type`` are written in."""
        return self._current.get(event_type, 1)

    def upcast(self, event_type: str, version: int, payload: Payload) -> Payload:
        """Return ``payload`` (of ``version``) in the current shape; the input is not changed."""
        current = self.current_version(event_type)
        if version > current:
            raise UnknownSchemaVersion(f"{event_type} v{version} is newer than v{current}")
        while version < current:
            step = self._steps.get((event_type, version))
            if step is None:
                raise UnknownSchemaVersion(f"no upcaster for {event_type} v{version}")
            # A deep copy: a step may edit nested values, and the caller's payload is a row's.
            payload = step(copy.deepcopy(payload))
            version += 1
        return payload
