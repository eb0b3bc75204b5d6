"""Django app of the notifications context."""

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "emporium.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the channels load identity's public module, which needs the registry.
        from emporium.infrastructure.messaging.inbox import consumer_registry
        from emporium.notifications import bootstrap

        bootstrap.register_consumers(consumer_registry())
