"""Django app for the adapters every context shares: HTTP basics, outbox, database setup."""

from django.apps import AppConfig


class InfrastructureConfig(AppConfig):
    name = "emporium.infrastructure"
    label = "infrastructure"
    default_auto_field = "django.db.models.BigAutoField"
