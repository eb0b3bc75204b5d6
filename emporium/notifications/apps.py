"""Django app of the notifications context."""

from functools import partial

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "emporium.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the adapters load identity's public module, which needs the registry.
        from emporium.infrastructure.messaging.inbox import consumer_registry
        from emporium.notifications.adapters import channels as adapters
        from emporium.notifications.application import consumers

        email, renderer = adapters.DjangoEmailSender(), adapters.DjangoTemplateRenderer()
        shops = adapters.TenantShopDirectory()
        customers = adapters.AccountDirectory()
        registry = consumer_registry()
        # Registering by name replaces, so a second ready() (a test reloading apps) adds nothing.
        # The welcome e-mail and push are two consumers, each with its own inbox entry: a failed
        # e-mail is retried without pushing a second time.
        registry.register(
            "welcome-email",
            "identity.customer_registered",
            partial(
                consumers.send_welcome_email, email_sender=email, renderer=renderer, shops=shops
            ),
        )
        registry.register(
            "welcome-push",
            "identity.customer_registered",
            partial(
                consumers.send_welcome_push,
                push_notifier=adapters.LoggingPushNotifier(),
                shops=shops,
            ),
        )
        registry.register(
            "order-confirmation",
            "ordering.order_placed",
            partial(
                consumers.send_order_confirmation,
                email_sender=email,
                renderer=renderer,
                shops=shops,
                customers=customers,
            ),
        )
        registry.register(
            "payment-receipt",
            "ordering.order_paid",
            partial(
                consumers.send_payment_receipt,
                email_sender=email,
                renderer=renderer,
                shops=shops,
                customers=customers,
            ),
        )
