"""Django app of the payments context."""

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "emporium.payments"
    label = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from emporium.infrastructure.bus import message_bus
        from emporium.infrastructure.signals import forward_to
        from emporium.payments.domain.events import PaymentCaptured, PaymentRefunded
        from emporium.payments.signals import payment_processed, payment_refunded

        bus = message_bus()
        bus.register(PaymentCaptured, forward_to(payment_processed, sender=self.name))
        bus.register(PaymentRefunded, forward_to(payment_refunded, sender=self.name))
