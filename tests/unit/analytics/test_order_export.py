"""The orders export's rows and days (domain) and its chunks (application), without Django."""

from __future__ import annotations

from collections.abc import Collection, Generator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from emporium.analytics.application.export_orders import export_rows, plan_export
from emporium.analytics.domain.order_export import (
    HEADER,
    day_bounds,
    decimal_amount,
    inert,
    order_row,
)
from emporium.analytics.domain.report import Period
from emporium.shared_kernel.errors import InvalidInput
from emporium.shared_kernel.money import Money

NEW_YORK = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class Record:
    """What ordering's ``OrderRecord`` holds."""

    id: UUID
    created_at: datetime
    customer_id: UUID
    status: str
    subtotal: Money
    tax: Money
    shipping: Money
    total: Money
    refunded: Money
    currency: str


def record(n: int, customer: int = 1, currency: str = "USD") -> Record:
    def money(minor: int) -> Money:
        return Money(minor, currency)

    return Record(
        id=UUID(int=n),
        created_at=datetime(2026, 11, 10, 12, 0, n, tzinfo=UTC),
        customer_id=UUID(int=1000 + customer),
        status="paid",
        subtotal=money(1000),
        tax=money(80),
        shipping=money(0),
        total=money(1080),
        refunded=money(250),
        currency=currency,
    )


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1@x.example", "'=1+1@x.example"),
        ("+1@x.example", "'+1@x.example"),
        ("-1@x.example", "'-1@x.example"),
        ("@x@x.example", "'@x@x.example"),
        ("\tx@x.example", "'\tx@x.example"),
        ("\rx@x.example", "'\rx@x.example"),
        ("ann@x.example", "ann@x.example"),
        ("a=b@x.example", "a=b@x.example"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe_and_no_other(
    text: str, cell: str
) -> None:
    assert inert(text) == cell


@pytest.mark.parametrize(
    ("money", "text"),
    [
        (Money(1250, "USD"), "12.50"),
        (Money(5, "USD"), "0.05"),
        (Money(0, "USD"), "0.00"),
        (Money(1500, "JPY"), "1500"),
        (Money(1, "BHD"), "0.001"),
        (Money(10**20, "USD"), "1000000000000000000.00"),
    ],
)
def test_amounts_are_exact_decimals_with_the_currency_s_digits(money: Money, text: str) -> None:
    assert decimal_amount(money) == text


def test_a_row_holds_the_order_in_the_header_s_order_its_time_in_the_shop_s_zone() -> None:
    order = record(7)

    row = order_row(order, "=ann@x.example", NEW_YORK)

    assert dict(zip(HEADER, row, strict=True)) == {
        "order_id": "00000000-0000-0000-0000-000000000007",
        "created_at": "2026-11-10T07:00:07-05:00",
        "customer_email": "'=ann@x.example",
        "status": "paid",
        "subtotal": "10.00",
        "tax": "0.80",
        "shipping": "0.00",
        "total": "10.80",
        "refunded": "2.50",
        "currency": "USD",
    }


def test_days_are_the_zone_s_a_fall_back_day_is_25_hours() -> None:
    start, end = day_bounds(Period(date(2026, 11, 1), date(2026, 11, 1)), NEW_YORK)

    assert (start, end) == (
        datetime(2026, 11, 1, 4, tzinfo=UTC),
        datetime(2026, 11, 2, 5, tzinfo=UTC),
    )
    assert end - start == timedelta(hours=25)


def test_a_day_whose_midnight_is_skipped_begins_at_its_first_instant() -> None:
    # Havana springs forward at midnight: 2026-03-08 00:00 does not exist, 01:00 -04:00 does.
    start, _ = day_bounds(Period(date(2026, 3, 8), date(2026, 3, 8)), ZoneInfo("America/Havana"))

    assert start.astimezone(ZoneInfo("America/Havana")).isoformat() == "2026-03-08T01:00:00-04:00"


def test_the_ends_of_the_calendar_are_the_first_and_last_instants_held() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")  # ahead of UTC: its year 1 began in UTC's year 0

    first, _ = day_bounds(Period(date(1, 1, 1), date(1, 1, 1)), tokyo)
    _, last = day_bounds(Period(date(9999, 12, 31), date(9999, 12, 31)), UTC)

    assert (first, last) == (datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC))


def test_without_dates_the_export_is_the_30_days_ending_the_shop_s_today() -> None:
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

    ahead = plan_export(None, None, now=now, time_zone="Pacific/Kiritimati")
    behind = plan_export(None, None, now=now, time_zone="Pacific/Pago_Pago")  # UTC-11

    assert ahead.period == Period(date(2026, 10, 23), date(2026, 11, 21))
    assert behind.period == Period(date(2026, 10, 21), date(2026, 11, 19))
    assert ahead.filename == "orders-2026-10-23-2026-11-21.csv"


def test_a_bad_period_is_refused_before_anything_is_read() -> None:
    with pytest.raises(InvalidInput) as refused:
        plan_export("2026-11-02", "2026-11-01", now=datetime.now(UTC), time_zone="UTC")

    assert refused.value.errors == {"from": ["Must not be after to."]}


class Orders:
    """The order records of a shop, and what was asked of them."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        self.asked: list[tuple[datetime, datetime]] = []
        self.closed = False

    def __call__(self, start: datetime, end: datetime) -> Generator[Record, None, None]:
        self.asked.append((start, end))
        try:
            yield from self.records
        finally:
            self.closed = True


class Emails:
    """The accounts' e-mails, and each batch of ids asked for."""

    def __init__(self, known: dict[UUID, str]) -> None:
        self.known = known
        self.batches: list[set[UUID]] = []

    def __call__(self, ids: Collection[UUID]) -> dict[UUID, str]:
        self.batches.append(set(ids))
        return {pk: email for pk, email in self.known.items() if pk in ids}


def test_the_header_comes_alone_then_the_rows_a_chunk_and_an_email_lookup_at_a_time() -> None:
    orders = Orders([record(1, customer=1), record(2, customer=2), record(3, customer=1)])
    emails = Emails({UUID(int=1001): "ann@x.example"})  # customer 2's account is gone
    export = plan_export("2026-11-01", "2026-11-01", now=datetime.now(UTC), time_zone="UTC")

    chunks = list(export_rows(export, orders, emails, chunk_rows=2))

    assert [[row[0][-1:] + row[2] for row in chunk] for chunk in chunks] == [
        ["dcustomer_email"],
        ["1ann@x.example", "2"],
        ["3ann@x.example"],
    ]
    assert chunks[0] == [HEADER]
    assert emails.batches == [{UUID(int=1001), UUID(int=1002)}, {UUID(int=1001)}]
    assert orders.asked == [(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC))]
    assert orders.closed


def test_closing_the_rows_half_read_closes_the_order_records() -> None:
    orders = Orders([record(n) for n in range(1, 6)])
    export = plan_export("2026-11-01", "2026-11-01", now=datetime.now(UTC), time_zone="UTC")
    rows = export_rows(export, orders, Emails({}), chunk_rows=2)

    next(rows), next(rows)
    assert not orders.closed
    rows.close()  # type: ignore[attr-defined]

    assert orders.closed
