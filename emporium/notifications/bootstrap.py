"""Wire the notifications consumers to their channels and register them by name."""

from __future__ import annotations

from functools import partial

from emporium.infrastructure.messaging.inbox import ConsumerRegistry
from emporium.notifications.adapters import channels
from emporium.notifications.application import consumers


def register_consumers(registry: ConsumerRegistry) -> None:
    """Register every notifications consumer; registering by name replaces an earlier one."""
    email, renderer = channels.DjangoEmailSender(), channels.DjangoTemplateRenderer()
    shops = channels.TenantShopDirectory()
    customers = channels.AccountDirectory()
    # The welcome e-mail and push are two consumers, each with its own inbox entry: a failed
    # e-mail is retried without pushing a second time.
    registry.register(
        "welcome-email",
        "identity.customer_registered",
        partial(
            consumers.send_welcome_email,
            email_sender=email,
            renderer=renderer,
            shops=shops,
            customers=customers,
        ),
    )
    registry.register(
        "welcome-push",
        "identity.customer_registered",
        partial(
            consumers.send_welcome_push,
            push_notifier=channels.LoggingPushNotifier(),
            shops=shops,
            customers=customers,
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
    registry.register(
        "refund-notice",
        "ordering.order_refunded",
        partial(
            consumers.send_refund_notice,
            email_sender=email,
            renderer=renderer,
            shops=shops,
            customers=customers,
        ),
    )
