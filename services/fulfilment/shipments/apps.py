"""The shipments app."""

from django.apps import AppConfig


class ShipmentsConfig(AppConfig):
    """Shipments, their tracking history, the inbox and the outbox."""

    name = "shipments"
    default_auto_field = "django.db.models.BigAutoField"
