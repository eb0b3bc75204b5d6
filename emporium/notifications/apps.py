"""Django app of the notifications context."""

from functools import partial

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "emporium.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: identity's public module loads models, which need the registry ready.
        from emporium.identity.public import CustomerRegistered
        from emporium.infrastructure.bus import message_bus
        from emporium.notifications import adapters
        from emporium.notifications.application.welcome import send_welcome

        bus = message_bus()
        # ready() may run again when a test reloads the app registry; welcome each customer once.
        if any(
            getattr(h, "func", None) is send_welcome for h in bus.handlers_for(CustomerRegistered)
        ):
            return
        bus.register(
            CustomerRegistered,
            partial(
                send_welcome,
                email_sender=adapters.DjangoEmailSender(),
                push_notifier=adapters.LoggingPushNotifier(),
                renderer=adapters.DjangoTemplateRenderer(),
                shops=adapters.TenantShopDirectory(),
            ),
        )
