"""Django app of the payments context."""

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "emporium.payments"
    label = "payments"
    default_auto_field = "django.db.models.BigAutoField"
