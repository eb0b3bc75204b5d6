"""What other contexts may use of payments: the payment methods this deployment offers."""

from __future__ import annotations

from emporium.payments.registry import providers


def available_methods() -> list[str]:
    """Return the methods whose provider is installed: built-ins and plugins that loaded."""
    return sorted(providers())


__all__ = ["available_methods"]
