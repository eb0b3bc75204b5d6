"""Django app of the ordering context."""

from django.apps import AppConfig


class OrderingConfig(AppConfig):
    name = "emporium.ordering"
    label = "ordering"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from emporium.infrastructure.bus import message_bus
        from emporium.infrastructure.signals import forward_to
        from emporium.ordering.domain.events import OrderPlaced
        from emporium.ordering.signals import order_placed

        message_bus().register(OrderPlaced, forward_to(order_placed, sender=self.name))
