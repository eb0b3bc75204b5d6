"""``OrderDirectory`` over ordering's public module."""

from __future__ import annotations

from uuid import UUID

from django.db import transaction

from emporium.ordering.public import fulfilment_requested, order_customer


class OrderingDirectory:
    """Whose an order of the current shop is, read in a transaction of its own.

    On PostgreSQL the shop reaches Row-Level Security only inside a transaction; the tracking
    view holds none across its call to the service, so the read opens one.
    """

    def customer_of(self, order_id: UUID) -> UUID | None:
        with transaction.atomic():
            return order_customer(order_id)

    def shipment_requested(self, order_id: UUID) -> bool:
        with transaction.atomic():
            return fulfilment_requested(order_id)
