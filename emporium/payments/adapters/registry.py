"""Payment providers by method name: the built-in ones and plugins found by entry point.

A package adds a method by declaring, in its ``pyproject.toml``::

    [project.entry-points."emporium.payment_providers"]
    paypal = "emporium_paypal:PayPalProvider"

The entry point names a provider class (or any callable returning a provider). A plugin that
fails to load is logged and skipped; the other methods keep working.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from importlib.metadata import EntryPoint, entry_points

from emporium.payments.adapters.card import CardProvider
from emporium.payments.application.ports import PaymentProvider

logger = logging.getLogger(__name__)

GROUP = "emporium.payment_providers"

BUILT_IN: Mapping[str, Callable[[], PaymentProvider]] = {"card": CardProvider}


def _load(entry: EntryPoint) -> PaymentProvider | None:
    try:
        factory = entry.load()
        provider: PaymentProvider = factory()
    except Exception:
        logger.exception("payment provider plugin %r (%s) failed to load", entry.name, entry.value)
        return None
    return provider


def discover(plugins: list[EntryPoint] | None = None) -> dict[str, PaymentProvider]:
    """Return a provider per method: built-ins first, then each plugin that loads."""
    providers: dict[str, PaymentProvider] = {name: make() for name, make in BUILT_IN.items()}
    for entry in entry_points(group=GROUP) if plugins is None else plugins:
        if entry.name in providers:
            logger.warning("payment provider plugin %r ignored: the name is taken", entry.name)
            continue
        provider = _load(entry)
        if provider is not None:
            providers[entry.name] = provider
    return providers


@functools.cache
def providers() -> Mapping[str, PaymentProvider]:
    """Return the process's providers, discovered once."""
    return discover()
