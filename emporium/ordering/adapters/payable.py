"""What the payments context needs of an order, read under the order's lock."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from django.db import OperationalError, transaction
from django.utils import timezone

from emporium.ordering import models as rows
from emporium.ordering.domain.order import reservation_ran_out
from emporium.shared_kernel.errors import Conflict
from emporium.shared_kernel.money import Money


@dataclass(frozen=True)
class OrderToPay:
    """An order as a payment sees it."""

    id: UUID
    customer_id: UUID
    status: str
    total: Money
    reservation_expired: bool  # confirmed, but past reserved_until: the order's rule refuses it


def lock_order_to_pay(order_id: UUID) -> OrderToPay | None:
    """Lock the order for a payment (409 if another holds it); None if there is no such order."""
    try:
        # A savepoint: a lock refused on PostgreSQL leaves the request's transaction usable.
        with transaction.atomic():
            row = rows.Order.objects.select_for_update(nowait=True).filter(pk=order_id).first()
    except OperationalError:
        raise Conflict(
            "Another payment of this order is in flight; retry later.", code="payment-in-flight"
        ) from None
    if row is None:
        return None
    expired = reservation_ran_out(row.status, row.reserved_until, timezone.now())
    return OrderToPay(row.id, row.customer_id, row.status, row.total, expired)
