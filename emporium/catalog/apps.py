"""Django app of the catalog context."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "emporium.catalog"
    label = "catalog"
    default_auto_field = "django.db.models.BigAutoField"
