"""Django app of the analytics context."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "emporium.analytics"
    label = "analytics"
    default_auto_field = "django.db.models.BigAutoField"
