"""App configuration of the MoneyField probe (tests only)."""

from django.apps import AppConfig


class MoneyProbeConfig(AppConfig):
    name = "tests.testapps.money_probe"
    label = "money_probe"
    default_auto_field = "django.db.models.BigAutoField"
