"""Django app of the analytics context."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "emporium.analytics"
    label = "analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the bootstrap loads models, which need the app registry ready.
        from emporium.analytics import bootstrap
        from emporium.analytics.application.consumers import EVENT_TYPES
        from emporium.infrastructure.messaging.inbox import consumer_registry

        registry = consumer_registry()
        # One consumer name for both types, so one queue: a place and its cancel usually arrive
        # in the order they were published. The rules hold when they do not (facts.OrderFact).
        for event_type in EVENT_TYPES:
            registry.register("sales-read-model", event_type, bootstrap.record_sale)
