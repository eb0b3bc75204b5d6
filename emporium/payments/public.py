"""What other contexts may use of payments: the methods offered, the payment signals."""

from __future__ import annotations

from emporium.payments.adapters.customer_data import customer_payments, erase_card_digits
from emporium.payments.adapters.registry import providers
from emporium.payments.signals import payment_processed, payment_refunded


def available_methods() -> list[str]:
    """Return the methods whose provider is installed: built-ins and plugins that loaded."""
    return sorted(providers())


__all__ = [
    "available_methods",
    "customer_payments",
    "erase_card_digits",
    "payment_processed",
    "payment_refunded",
]
