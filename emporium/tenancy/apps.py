"""Django app of the tenancy context."""

from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "emporium.tenancy"
    label = "tenancy"
    default_auto_field = "django.db.models.BigAutoField"
