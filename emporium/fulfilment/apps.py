"""Django app of the fulfilment context (no models: the link's state lives in the cache)."""

from django.apps import AppConfig


class FulfilmentConfig(AppConfig):
    name = "emporium.fulfilment"
    label = "fulfilment"

    def ready(self) -> None:
        from emporium.fulfilment import bootstrap
        from emporium.infrastructure.http.health import register_optional_check
        from emporium.infrastructure.messaging.inbox import consumer_registry

        bootstrap.register_consumers(consumer_registry())
        # Down, the service leaves orders 'requested' and tracking 503: degraded, not unready.
        register_optional_check("fulfilment", bootstrap.service_health)
