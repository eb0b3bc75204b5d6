"""Django app of the ordering context."""

from django.apps import AppConfig


class OrderingConfig(AppConfig):
    name = "emporium.ordering"
    label = "ordering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from emporium.infrastructure.bus import message_bus
        from emporium.infrastructure.signals import forward_to
        from emporium.ordering import signals
        from emporium.ordering.domain import events

        bus = message_bus()
        for event_cls, signal in [
            (events.OrderPlaced, signals.order_placed),
            (events.OrderCancelled, signals.order_cancelled),
            (events.OrderPaid, signals.order_paid),
            (events.OrderFulfilled, signals.order_fulfilled),
        ]:
            bus.register(event_cls, forward_to(signal, sender=self.name))
