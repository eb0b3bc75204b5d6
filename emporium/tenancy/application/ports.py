"""Ports of the tenancy context."""

from __future__ import annotations

from typing import Protocol

from emporium.shared_kernel.unit_of_work import UnitOfWork
from emporium.tenancy.domain.tenant import Tenant


class TenantRepository(Protocol):
    """Tenants by slug; every tenant it returns or adds is tracked by the unit of work."""

    def add(self, tenant: Tenant) -> None:
        """Store a new tenant."""
        ...

    def get(self, slug: str) -> Tenant | None:
        """Return the tenant with ``slug``, or None."""
        ...

    def save(self, tenant: Tenant) -> None:
        """Store the changes of a loaded tenant."""
        ...

    def remove(self, tenant: Tenant) -> None:
        """Delete a loaded tenant with its settings and hosts (its events are still stored)."""
        ...

    def all(self) -> list[Tenant]:
        """Return every tenant, by slug."""
        ...


class TenancyUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that holds the tenant repository."""

    @property
    def tenants(self) -> TenantRepository:
        """Return the tenant repository bound to this unit of work."""
        ...
