"""The dashboard's rules without a database: value buckets, the median, local periods, the fold."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emporium.analytics.application.dashboard_projection import apply_dashboard
from emporium.analytics.domain.dashboard import (
    Bucket,
    LocalPeriod,
    TrackedCustomer,
    TrackedOrder,
    bucket_start,
    bucket_value,
    histogram_median,
    value_bucket,
    week_of,
    whole_weeks,
)
from tests.unit.analytics.events import cancelled, paid, placed, refunded


class InMemoryDashboardStore:
    """A working ``DashboardStore`` in dictionaries."""

    def __init__(self) -> None:
        self.orders: dict[str, TrackedOrder] = {}
        self.customers: dict[str, TrackedCustomer] = {}
        self.buckets: dict[tuple[datetime, str], dict[str, int]] = {}
        self.values: dict[tuple[date, str, int], int] = {}
        self.statuses: dict[str, int] = {}

    def orders_of(self, ids):
        return {i: TrackedOrder(**vars(self.orders[i])) for i in ids if i in self.orders}

    def customers_of(self, ids):
        return {i: TrackedCustomer(**vars(self.customers[i])) for i in ids if i in self.customers}

    def save(self, new_orders, changed_orders, customers) -> None:
        for order in [*new_orders, *changed_orders]:
            self.orders[order.order_id] = TrackedOrder(**vars(order))
        for customer in customers:
            self.customers[customer.customer_id] = TrackedCustomer(**vars(customer))

    def add_to_buckets(self, deltas: dict[tuple[datetime, str], Bucket]) -> None:
        for key, delta in deltas.items():
            row = self.buckets.setdefault(key, {})
            for name in ("orders", "paid_minor", "refunds_minor", "new_customers"):
                row[name] = row.get(name, 0) + getattr(delta, name)
            row["returning_customers"] = row.get("returning_customers", 0) + (
                delta.returning_customers
            )
            for status, n in delta.statuses.items():
                row[status] = row.get(status, 0) + n

    def add_order_values(self, deltas) -> None:
        for key, n in deltas.items():
            self.values[key] = self.values.get(key, 0) + n

    def add_status_counts(self, deltas) -> None:
        for status, n in deltas.items():
            self.statuses[status] = self.statuses.get(status, 0) + n


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_bucket_starts_on_the_quarter_hour_in_utc() -> None:
    assert bucket_start(utc(2026, 11, 10, 3, 44, 59)) == utc(2026, 11, 10, 3, 30)
    berlin = datetime.fromisoformat("2026-11-10T00:05:00+01:00")
    assert bucket_start(berlin) == utc(2026, 11, 9, 23, 0)


def test_small_amounts_are_buckets_of_their_own() -> None:
    assert [bucket_value(value_bucket(m)) for m in (0, 1, 99, 100)] == [0, 1, 99, 100]
    assert value_bucket(-5) == 0
    assert value_bucket(10**15) < 5_000  # a histogram has at most a few thousand rows a day


@settings(max_examples=300)
@given(st.integers(min_value=1, max_value=10**15))
def test_a_bucket_value_is_within_half_a_percent_of_every_amount_in_it(minor: int) -> None:
    assert abs(bucket_value(value_bucket(minor)) - minor) * 200 <= minor


def test_the_median_of_an_odd_and_an_even_count() -> None:
    assert histogram_median([]) is None
    assert histogram_median([(value_bucket(50), 2), (value_bucket(20), 1)]) == 50
    # 10, 20, 30, 40: the two middle orders are 20 and 30.
    counts = [(value_bucket(v), 1) for v in (10, 20, 30, 40)]
    assert histogram_median(counts) == 25


def test_a_local_period_ends_at_the_local_midnight_after_it_across_a_dst_change() -> None:
    period = LocalPeriod(date(2026, 3, 29), date(2026, 3, 29), "Europe/Berlin")

    assert period.instants() == (utc(2026, 3, 28, 23), utc(2026, 3, 29, 22))  # 23 hours
    assert period.utc_days() == (date(2026, 3, 28), date(2026, 3, 29))
    assert period.previous() == LocalPeriod(date(2026, 3, 28), date(2026, 3, 28), "Europe/Berlin")


def test_the_fold_counts_payments_refunds_statuses_and_customers() -> None:
    store = InMemoryDashboardStore()
    customer = "c0000000-0000-0000-0000-000000000001"
    apply_dashboard(
        [
            placed("o1", "8.00", 2, at=utc(2026, 11, 10, 3, 30), customer=customer),
            paid("o1", "8.00", at=utc(2026, 11, 10, 3, 31), customer=customer),
            placed("o2", "4.50", 3, at=utc(2026, 11, 11, 15), customer=customer),
            paid("o2", "4.50", at=utc(2026, 11, 11, 15, 1), customer=customer),
            placed("o3", "1.00", 1, at=utc(2026, 11, 11, 16), customer=customer),
            cancelled("o3", at=utc(2026, 11, 11, 16, 20), customer=customer),
        ],
        store,
    )
    apply_dashboard([refunded("o2", "4.50", at=utc(2026, 11, 12, 9))], store)

    assert store.buckets[(utc(2026, 11, 10, 3, 30), "USD")] == {
        "orders": 1,
        "paid_minor": 800,
        "refunds_minor": 0,
        "new_customers": 1,
        "returning_customers": 0,
        "confirmed": 0,
        "paid": 1,
    }
    assert store.buckets[(utc(2026, 11, 11, 15), "USD")]["returning_customers"] == 1
    assert store.buckets[(utc(2026, 11, 11, 15), "USD")]["refunded"] == 1  # fully refunded
    assert store.buckets[(utc(2026, 11, 11, 16), "USD")]["cancelled"] == 1
    assert store.buckets[(utc(2026, 11, 12, 9), "USD")]["refunds_minor"] == 450
    assert store.statuses == {"paid": 1, "refunded": 1, "cancelled": 1}  # zero deltas: no write
    assert store.values == {
        (date(2026, 11, 10), "USD", value_bucket(800)): 1,
        (date(2026, 11, 11), "USD", value_bucket(450)): 1,
    }


def test_an_event_of_an_order_never_placed_changes_nothing() -> None:
    store = InMemoryDashboardStore()

    apply_dashboard([paid("ghost", "1.00"), cancelled("ghost2")], store)

    assert (store.buckets, store.statuses, store.values) == ({}, {}, {})


@pytest.mark.parametrize("zone", ["Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns"])
def test_local_midnights_of_odd_offsets_are_quarter_hour_starts(zone: str) -> None:
    start, after = LocalPeriod(date(2026, 6, 1), date(2026, 6, 30), zone).instants()

    assert bucket_start(start) == start
    assert bucket_start(after) == after


def test_whole_weeks_are_the_mondays_of_weeks_inside_the_days() -> None:
    # 2026-11-02 is a Monday, 2026-11-15 a Sunday.
    assert whole_weeks(date(2026, 11, 2), date(2026, 11, 15)) == (
        date(2026, 11, 2),
        date(2026, 11, 9),
    )
    assert whole_weeks(date(2026, 11, 3), date(2026, 11, 15)) == (
        date(2026, 11, 9),
        date(2026, 11, 9),
    )
    assert whole_weeks(date(2026, 11, 3), date(2026, 11, 14)) is None
    assert week_of(date(2026, 11, 15)) == date(2026, 11, 9)
