"""Django app of the identity context."""

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "emporium.identity"
    label = "identity"
    default_auto_field = "django.db.models.BigAutoField"
