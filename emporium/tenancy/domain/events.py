"""Events of the tenancy context."""

from __future__ import annotations

from dataclasses import dataclass

from emporium.shared_kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class TenantCreated(DomainEvent):
    context = "tenancy"

    slug: str
    name: str
    currency: str


@dataclass(frozen=True, kw_only=True)
class TenantSuspended(DomainEvent):
    context = "tenancy"

    slug: str


@dataclass(frozen=True, kw_only=True)
class TenantReactivated(DomainEvent):
    context = "tenancy"

    slug: str


@dataclass(frozen=True, kw_only=True)
class TenantSettingsChanged(DomainEvent):
    context = "tenancy"

    changed: list[str]


@dataclass(frozen=True, kw_only=True)
class TenantDeleted(DomainEvent):
    """A shop left the platform and its data was deleted (``manage.py delete_tenant``)."""

    context = "tenancy"

    slug: str
