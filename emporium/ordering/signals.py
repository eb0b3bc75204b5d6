"""Ordering's signals for in-process observers, each sent after its event's commit."""

from django.dispatch import Signal

#: ``receiver(sender, event: OrderPlaced, **kwargs)``; the seed's signal, sent after commit.
order_placed = Signal()
#: ``receiver(sender, event: OrderCancelled, **kwargs)``; sent after commit, robustly.
order_cancelled = Signal()
#: ``receiver(sender, event: OrderPaid, **kwargs)``; sent after commit, robustly.
order_paid = Signal()
#: ``receiver(sender, event: OrderFulfilled, **kwargs)``; sent after commit, robustly.
order_fulfilled = Signal()
