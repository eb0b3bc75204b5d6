"""The shop's orders as plain records for an export, read chunk by chunk in creation order."""

from __future__ import annotations

from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from django.db import transaction
from django.db.models import OuterRef, Subquery

from emporium.ordering import models as rows
from emporium.ordering.domain.events import OrderRefunded
from emporium.ordering.domain.stream import UPCASTERS
from emporium.shared_kernel.money import Money

#: Orders fetched per round trip of the server-side cursor.
CHUNK_SIZE = 2_000

_COLUMNS = ("id", "created_at", "customer_id", "status", "currency", "subtotal", "tax", "total")


@dataclass(frozen=True, slots=True)
class OrderRecord:
    """An order as an export lists it; every amount is in the order's currency."""

    id: UUID
    created_at: datetime
    customer_id: UUID
    status: str
    subtotal: Money
    tax: Money
    shipping: Money  # orders carry no shipping charge yet: always zero
    total: Money
    refunded: Money  # every refund of the order's payment so far
    currency: str


def orders_created_between(
    start: datetime, end: datetime, chunk_size: int = CHUNK_SIZE
) -> Generator[OrderRecord, None, None]:
    """Yield the current tenant's orders created in [start, end), by ``created_at`` then id.

    The rows come through a server-side cursor, ``chunk_size`` per round trip: memory holds a
    chunk, never the period. The generator holds a transaction of its own (a savepoint inside
    the caller's) from its first row until it is exhausted or closed: on PostgreSQL Row-Level
    Security shows the tenant's rows only inside one, and the cursor lives in it. Close it
    before the caller's transaction ends.
    """
    if start.utcoffset() is None or end.utcoffset() is None:
        raise ValueError("start and end must be timezone-aware datetimes.")
    # The order row does not keep what was refunded: each ``ordering.order_refunded`` event
    # carries the running total of its payment's refunds, so the order's last one tells. It
    # comes with the order, from the event store's (tenant, order, version) index.
    last_refund = rows.OrderEvent.objects.filter(
        order_id=OuterRef("id"), type=OrderRefunded.type
    ).order_by("-version")
    found = (
        rows.Order.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(
            refund_schema=Subquery(last_refund.values("schema_version")[:1]),
            refund=Subquery(last_refund.values("payload")[:1]),
        )
        .order_by("created_at", "id")
        .values_list(*_COLUMNS, "refund_schema", "refund")
    )
    # A generator (typed as an iterator): closing it closes the server-side cursor at once.
    results = cast(Generator[tuple[Any, ...], None, None], found.iterator(chunk_size=chunk_size))
    zeros: dict[str, Money] = {}
    with transaction.atomic(), closing(results):
        for order_id, created_at, customer, status, currency, *amounts, schema, refund in results:
            subtotal, tax, total = (Money(minor, currency) for minor in amounts)
            zero = zeros.get(currency) or zeros.setdefault(currency, Money.zero(currency))
            yield OrderRecord(
                id=order_id,
                created_at=created_at,
                customer_id=customer,
                status=status,
                subtotal=subtotal,
                tax=tax,
                shipping=zero,
                total=total,
                refunded=zero if refund is None else refunded_total(schema, refund),
                currency=currency,
            )


def refunded_total(schema_version: int, payload: dict[str, Any]) -> Money:
    """Return the running total of refunds that a stored ``order_refunded`` event carries."""
    current = UPCASTERS.upcast(OrderRefunded.type, schema_version, payload)
    return Money.from_dict(current["refunded_total"])
