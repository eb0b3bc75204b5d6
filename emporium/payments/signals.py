"""Payments' signals for in-process observers, each sent after its event's commit."""

from django.dispatch import Signal

#: ``receiver(sender, event: PaymentCaptured, **kwargs)``; the seed's signal, sent after commit.
payment_processed = Signal()
#: ``receiver(sender, event: PaymentRefunded, **kwargs)``; sent after commit, robustly.
payment_refunded = Signal()
