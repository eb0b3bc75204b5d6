"""The Tenant: a shop on the platform, with its status and settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from functools import cache
from uuid import UUID, uuid4
from zoneinfo import available_timezones

from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput
from emporium.shared_kernel.money import UnknownCurrency, minor_digits
from emporium.tenancy.domain.events import (
    TenantCreated,
    TenantDeleted,
    TenantReactivated,
    TenantSettingsChanged,
    TenantSuspended,
)

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
# Slugs that would shadow a platform host or confuse a reader of a URL.
RESERVED_SLUGS = frozenset({"www", "admin", "api", "static", "media", "platform", "localhost"})
DEFAULT_TAX_RATE = Decimal("8.00")
DEFAULT_PAYMENT_METHODS = ("card",)
DEFAULT_TIME_ZONE = "UTC"


def valid_time_zone(name: str) -> bool:
    """Return whether ``name`` is an IANA time zone this machine knows (e.g. "Europe/Berlin")."""
    return name in _time_zones()


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones())


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


def validate_slug(slug: str) -> str:
    """Return ``slug`` if it can be a host label and a tenant name, else raise InvalidInput."""
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS:
        raise InvalidInput(
            f"{slug!r} cannot be a tenant slug.",
            errors={"slug": ["Use 1-40 lower-case letters, digits or hyphens; not reserved."]},
        )
    return slug


@dataclass(frozen=True)
class TenantSettings:
    """A tenant's commercial settings."""

    currency: str = "USD"
    tax_rate: Decimal = DEFAULT_TAX_RATE  # percent, e.g. Decimal("8.00")
    payment_methods: tuple[str, ...] = DEFAULT_PAYMENT_METHODS
    webhook_secret: str = ""
    # The reports' days and hours are the shop's own (IANA name); stored instants stay UTC.
    time_zone: str = DEFAULT_TIME_ZONE

    def __post_init__(self) -> None:
        if not valid_time_zone(self.time_zone):
            raise InvalidInput(
                f"Unknown time zone {self.time_zone!r}.",
                errors={"time_zone": ["An IANA time zone such as Europe/Berlin."]},
            )
        try:
            minor_digits(self.currency)
        except UnknownCurrency as exc:
            raise InvalidInput(
                f"Unknown currency {self.currency!r}.", errors={"currency": ["Unknown currency."]}
            ) from exc
        if not isinstance(self.tax_rate, Decimal) or not Decimal(0) <= self.tax_rate <= 100:
            raise InvalidInput(
                "Tax rate must be a percentage from 0 to 100.",
                errors={"tax_rate": ["Must be from 0 to 100."]},
            )


@dataclass(kw_only=True, eq=False)
class Tenant(Aggregate[UUID]):
    """A shop. Suspended tenants keep their data but serve no requests."""

    id: UUID = field(default_factory=uuid4)
    slug: str
    name: str
    status: TenantStatus = TenantStatus.ACTIVE
    settings: TenantSettings = field(default_factory=TenantSettings)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __post_init__(self) -> None:
        validate_slug(self.slug)
        if not self.name.strip():
            raise InvalidInput("A tenant needs a name.", errors={"name": ["Required."]})

    @classmethod
    def create(cls, slug: str, name: str, settings: TenantSettings) -> Tenant:
        """Return a new active tenant that has recorded TenantCreated."""
        tenant = cls(slug=slug, name=name.strip(), settings=settings)
        tenant.record(TenantCreated, slug=slug, name=tenant.name, currency=settings.currency)
        return tenant

    @property
    def is_active(self) -> bool:
        """Return whether the tenant serves requests."""
        return self.status is TenantStatus.ACTIVE

    def rename(self, name: str) -> None:
        """Give the shop a new display name."""
        if not name.strip():
            raise InvalidInput("A tenant needs a name.", errors={"name": ["Required."]})
        self.name = name.strip()

    def change_settings(self, **changes: object) -> None:
        """Replace some settings; the new settings validate themselves."""
        if "payment_methods" in changes and not changes["payment_methods"]:
            raise InvalidInput(
                "Enable at least one payment method.",
                errors={"payment_methods": ["Enable at least one payment method."]},
            )
        self.settings = replace(self.settings, **changes)  # type: ignore[arg-type]
        self.record(TenantSettingsChanged, changed=sorted(changes))

    def suspend(self) -> None:
        """Stop serving the tenant's requests."""
        if self.status is TenantStatus.SUSPENDED:
            raise BusinessRuleViolation(f"Tenant {self.slug} is already suspended.")
        self.status = TenantStatus.SUSPENDED
        self.record(TenantSuspended, slug=self.slug)

    def reactivate(self) -> None:
        """Serve the tenant's requests again."""
        if self.status is TenantStatus.ACTIVE:
            raise BusinessRuleViolation(f"Tenant {self.slug} is already active.")
        self.status = TenantStatus.ACTIVE
        self.record(TenantReactivated, slug=self.slug)

    def delete(self) -> None:
        """Leave the platform: the shop's data goes (offboarding); its slug becomes free."""
        self.record(TenantDeleted, slug=self.slug)
