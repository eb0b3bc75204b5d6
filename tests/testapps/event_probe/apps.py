"""App configuration of the event probe (tests only): registers the probe consumers."""

from django.apps import AppConfig


class EventProbeConfig(AppConfig):
    name = "tests.testapps.event_probe"
    label = "event_probe"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from emporium.infrastructure.messaging.inbox import consumer_registry
        from tests.testapps.event_probe import handlers

        registry = consumer_registry()
        registry.register(handlers.FAULT_CONSUMER, handlers.FAULT_EVENT, handlers.record_effect)
        registry.register(
            handlers.SLOW_CONSUMER, handlers.SLOW_EVENT, handlers.record_effect_slowly
        )
