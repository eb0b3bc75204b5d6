"""Test-only tenant-owned models and a tenant task, to exercise both tenancy walls."""

from django.apps import AppConfig


class TenantProbeConfig(AppConfig):
    name = "tests.testapps.tenant_probe"
    label = "tenant_probe"
    default_auto_field = "django.db.models.BigAutoField"
