"""Django app of the catalog context."""

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "emporium.catalog"
    label = "catalog"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from emporium.catalog.adapters.cache import register_handlers
        from emporium.infrastructure.bus import message_bus

        register_handlers(message_bus())
