"""The seed's ``order_placed`` signal: sent after an order is placed and committed."""

from django.dispatch import Signal

#: ``receiver(sender, event: OrderPlaced, **kwargs)``; sent after commit, robustly.
order_placed = Signal()
