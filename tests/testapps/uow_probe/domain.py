"""The probe aggregate and its events: the smallest aggregate that publishes events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class ProbeCreated(DomainEvent):
    context: ClassVar[str] = "probe"

    name: str


@dataclass(frozen=True, kw_only=True)
class ProbeRenamed(DomainEvent):
    context: ClassVar[str] = "probe"

    old_name: str
    new_name: str


@dataclass(kw_only=True, eq=False)
class Probe(Aggregate[UUID]):
    """A named thing that records its creation and each rename."""

    name: str

    @classmethod
    def create(cls, probe_id: UUID, name: str) -> Probe:
        """Return a new probe that has recorded ``ProbeCreated``."""
        probe = cls(id=probe_id, name=name)
        probe.record(ProbeCreated, name=name)
        return probe

    def rename(self, name: str) -> None:
        """Change the name and record ``ProbeRenamed``."""
        old_name, self.name = self.name, name
        self.record(ProbeRenamed, old_name=old_name, new_name=name)
