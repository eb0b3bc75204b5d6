"""Django app of the inventory context."""

from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "emporium.inventory"
    label = "inventory"
    default_auto_field = "django.db.models.BigAutoField"
