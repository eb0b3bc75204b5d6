"""The orders export on ordering's order records and identity's e-mails, in the shop's days."""

from __future__ import annotations

from collections.abc import Collection, Generator, Iterator
from datetime import datetime
from uuid import UUID

from django.utils import timezone

from emporium.analytics.application.export_orders import (
    OrdersExport,
    Row,
    export_rows,
    plan_export,
)
from emporium.identity.public import account_cards
from emporium.ordering.public import OrderRecord, orders_created_between
from emporium.tenancy.public import shop_time_zone

#: Orders per chunk: per round trip of the export's cursor, per e-mail lookup, per write.
CHUNK_ROWS = 2_000


def order_records(start: datetime, end: datetime) -> Generator[OrderRecord, None, None]:
    """Return the current tenant's orders created in [start, end), a cursor chunk at a time."""
    return orders_created_between(start, end, chunk_size=CHUNK_ROWS)


def customer_emails(ids: Collection[UUID]) -> dict[UUID, str]:
    """Return the e-mail of each of the current tenant's accounts in ``ids``, in one query."""
    return {pk: card.email for pk, card in account_cards(ids).items()}


def orders_export(start: str | None, end: str | None) -> OrdersExport:
    """Return the current tenant's export of ``start``..``end`` (400 for a bad period)."""
    return plan_export(start, end, now=timezone.now(), time_zone=shop_time_zone())


def order_rows(export: OrdersExport) -> Iterator[list[Row]]:
    """Yield the export's header, then its rows a chunk at a time; run it inside the tenant."""
    return export_rows(export, order_records, customer_emails, CHUNK_ROWS)
