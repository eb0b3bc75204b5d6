"""PayPal for Emporium: a payment provider registered through the ``emporium.payment_providers``
entry point group, so that installing this package makes ``paypal`` available with no change to
the core."""

from emporium_paypal.provider import PayPalProvider, SimulatedPayPal

__version__ = "0.1.0"

__all__ = ["PayPalProvider", "SimulatedPayPal", "__version__"]
