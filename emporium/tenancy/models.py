"""Rows of the tenancy context: tenants, their private settings and their hosts."""

from __future__ import annotations

import uuid

from django.db import models

from emporium.multitenancy.scoping import TenantOwnedModel
from emporium.tenancy.domain.tenant import DEFAULT_TAX_RATE, TenantStatus


def default_payment_methods() -> list[str]:
    """Return the methods a new tenant accepts."""
    return ["card"]


class Tenant(models.Model):
    """A shop. Platform-level: readable without a tenant, so a request can be resolved to it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16,
        choices=[(s.value, s.value) for s in TenantStatus],
        default=TenantStatus.ACTIVE.value,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=0)  # events recorded by the aggregate

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class TenantSettings(TenantOwnedModel):
    """A tenant's private settings; one row per tenant, invisible to every other tenant."""

    tenant = models.OneToOneField(
        Tenant, on_delete=models.CASCADE, primary_key=True, related_name="settings", editable=False
    )
    currency = models.CharField(max_length=3, default="USD")
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=DEFAULT_TAX_RATE)
    payment_methods = models.JSONField(default=default_payment_methods)
    webhook_secret = models.CharField(max_length=128)
    time_zone = models.CharField(max_length=64, default="UTC")  # IANA name: reports' days

    class Meta:
        verbose_name_plural = "tenant settings"

    def __str__(self) -> str:
        return f"settings of {self.tenant_id}"


class TenantHost(models.Model):
    """A host name that serves a tenant (beyond ``<slug>.<base domain>``).

    Platform-level like ``Tenant``: a request is resolved to its tenant by host before any
    tenant is known, so every role may read the map (RLS policy ``shared_read``), while writes
    stay with the tenant itself or the owner role. A host serves one tenant, platform-wide.
    """

    rls_policy = "shared-read"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="hosts")
    host = models.CharField(max_length=253, unique=True)

    def __str__(self) -> str:
        return self.host
