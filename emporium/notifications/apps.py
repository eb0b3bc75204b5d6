"""Django app of the notifications context."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "emporium.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"
