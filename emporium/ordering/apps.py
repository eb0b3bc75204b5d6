"""Django app of the ordering context."""

from django.apps import AppConfig


class OrderingConfig(AppConfig):
    name = "emporium.ordering"
    label = "ordering"
    default_auto_field = "django.db.models.BigAutoField"
