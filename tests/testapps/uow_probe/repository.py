"""The probe repository: rows to aggregates and back, every aggregate tracked by the uow."""

from __future__ import annotations

from uuid import UUID

from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from tests.testapps.uow_probe.domain import Probe
from tests.testapps.uow_probe.models import ProbeRow


def to_domain(row: ProbeRow) -> Probe:
    """Return the aggregate stored in ``row``."""
    return Probe(id=row.id, name=row.name, version=row.version)


def from_domain(probe: Probe) -> ProbeRow:
    """Return an unsaved row holding ``probe``."""
    return ProbeRow(id=probe.id, name=probe.name, version=probe.version)


class ProbeRepository:
    """Load and store probes in the unit of work's database."""

    def __init__(self, uow: DjangoUnitOfWork) -> None:
        self.uow = uow

    def add(self, probe: Probe) -> None:
        """Insert ``probe`` and track it."""
        from_domain(probe).save(using=self.uow.using, force_insert=True)
        self.uow.track(probe)

    def get(self, probe_id: UUID) -> Probe:
        """Return the stored probe ``probe_id``, tracked."""
        probe = to_domain(ProbeRow.objects.using(self.uow.using).get(id=probe_id))
        self.uow.track(probe)
        return probe

    def save(self, probe: Probe) -> None:
        """Write the changed state of a probe loaded with ``get``."""
        from_domain(probe).save(using=self.uow.using, force_update=True)
