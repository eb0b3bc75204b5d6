"""The orders export: each order of a period in the shop's days, one row each, chunk by chunk."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Generator, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from emporium.analytics.domain.order_export import HEADER, ExportedOrder, day_bounds, order_row
from emporium.analytics.domain.report import Period, period_of

Row = tuple[str, ...]


class OrderRecords(Protocol):
    """The current tenant's orders created in [start, end), oldest first (ordering's)."""

    def __call__(self, start: datetime, end: datetime) -> Generator[ExportedOrder, None, None]: ...


class CustomerEmails(Protocol):
    """The e-mail of each of the current tenant's accounts in ``ids`` that exists (identity's)."""

    def __call__(self, ids: Collection[UUID]) -> Mapping[UUID, str]: ...


@dataclass(frozen=True)
class OrdersExport:
    """The days an export covers, and the shop's IANA time zone they are days of."""

    period: Period
    time_zone: str

    @property
    def filename(self) -> str:
        """Return the name a download is saved under: ``orders-<from>-<to>.csv``."""
        return f"orders-{self.period.start.isoformat()}-{self.period.end.isoformat()}.csv"


def plan_export(
    start: str | None, end: str | None, *, now: datetime, time_zone: str
) -> OrdersExport:
    """Return the export of ``start``..``end`` (``YYYY-MM-DD``, inclusive, the shop's days).

    Without dates it is the 30 days ending today in the shop's time zone. Raise
    ``InvalidInput`` naming each bad field (``period_of``'s rules).
    """
    today = now.astimezone(ZoneInfo(time_zone)).date()
    return OrdersExport(period_of(start, end, today), time_zone)


def export_rows(
    export: OrdersExport, orders: OrderRecords, emails: CustomerEmails, chunk_rows: int
) -> Iterator[list[Row]]:
    """Yield the header alone, then the orders' rows, ``chunk_rows`` at a time.

    Each chunk asks for its customers' e-mails once; an account that no longer exists has an
    empty one. Call it inside the tenant; the order records are closed with this generator.
    """
    zone = ZoneInfo(export.time_zone)
    yield [HEADER]
    records = orders(*day_bounds(export.period, zone))
    try:
        while chunk := list(itertools.islice(records, chunk_rows)):
            found = emails({order.customer_id for order in chunk})
            yield [order_row(order, found.get(order.customer_id, ""), zone) for order in chunk]
    finally:
        records.close()  # ends their transaction before the caller's ends
