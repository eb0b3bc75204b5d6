"""The seed's ``payment_processed`` signal: sent after a capture commits, with the event."""

from django.dispatch import Signal

#: ``receiver(sender, event: PaymentCaptured, **kwargs)``; sent after commit, robustly.
payment_processed = Signal()
