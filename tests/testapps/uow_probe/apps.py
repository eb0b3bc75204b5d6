"""App configuration of the unit-of-work probe (tests only)."""

from django.apps import AppConfig


class UowProbeConfig(AppConfig):
    name = "tests.testapps.uow_probe"
    label = "uow_probe"
    default_auto_field = "django.db.models.BigAutoField"
