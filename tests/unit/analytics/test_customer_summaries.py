"""The customer-summary fold: orders placed, first and last, paid less refunds per currency."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from emporium.analytics.application.projections import apply_customer_summaries
from emporium.analytics.domain.customers import CustomerSummary
from emporium.shared_kernel.money import Money
from tests.unit.analytics.events import cancelled, paid, placed, refunded
from tests.unit.analytics.fakes import InMemoryCustomerSummaryStore

ANN, BOB = str(uuid.uuid4()), str(uuid.uuid4())
MON = datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
WED = datetime(2026, 11, 25, 12, 3, 9, 250000, tzinfo=UTC)
FRI = datetime(2026, 11, 27, 18, tzinfo=UTC)


def order_id() -> str:
    return str(uuid.uuid4())


def test_a_customer_who_never_ordered_has_an_empty_summary() -> None:
    store = InMemoryCustomerSummaryStore()

    apply_customer_summaries([placed(order_id(), "1.00", 1, customer=BOB)], store)

    assert store.summary(ANN) == CustomerSummary(ANN, 0, (), None, None)


def test_orders_are_counted_with_the_first_and_last_moment_whatever_the_order_of_batches() -> None:
    store = InMemoryCustomerSummaryStore()

    apply_customer_summaries([placed(order_id(), "5.00", 1, at=WED, customer=ANN)], store)
    apply_customer_summaries(
        [
            placed(order_id(), "1.00", 1, at=FRI, customer=ANN),
            placed(order_id(), "2.00", 1, at=MON, customer=ANN),
        ],
        store,
    )

    assert store.summary(ANN) == CustomerSummary(ANN, 3, (), MON, FRI)


def test_a_cancelled_order_still_counts_as_placed_and_adds_no_money() -> None:
    store = InMemoryCustomerSummaryStore()
    order = order_id()

    apply_customer_summaries(
        [placed(order, "5.00", 1, at=WED, customer=ANN), cancelled(order, customer=ANN)], store
    )

    assert store.summary(ANN) == CustomerSummary(ANN, 1, (), WED, WED)


def test_paid_money_adds_up_per_currency_less_refunds() -> None:
    store = InMemoryCustomerSummaryStore()
    usd, eur, other = order_id(), order_id(), order_id()

    apply_customer_summaries(
        [
            placed(usd, "50.33", 3, at=MON, customer=ANN),
            paid(usd, "50.33", customer=ANN),
            placed(eur, "9.99", 1, at=WED, customer=ANN, currency="EUR"),
        ],
        store,
    )
    apply_customer_summaries(
        [
            paid(eur, "9.99", customer=ANN, currency="EUR"),
            refunded(usd, "10.00", refunded_total="10.00", customer=ANN),
            placed(other, "3.00", 1, at=FRI, customer=BOB),
            paid(other, "3.00", customer=BOB),
        ],
        store,
    )

    assert store.summary(ANN) == CustomerSummary(
        ANN, 2, (Money(999, "EUR"), Money(4033, "USD")), MON, WED
    )
    assert store.summary(BOB) == CustomerSummary(BOB, 1, (Money(300, "USD"),), FRI, FRI)


def test_a_full_refund_leaves_a_zero_in_its_currency() -> None:
    store = InMemoryCustomerSummaryStore()
    order = order_id()

    apply_customer_summaries(
        [
            placed(order, "21.60", 2, at=WED, customer=ANN),
            paid(order, "21.60", customer=ANN),
            refunded(order, "1.60", refunded_total="1.60", customer=ANN),
        ],
        store,
    )
    apply_customer_summaries([refunded(order, "20.00", customer=ANN)], store)

    assert store.summary(ANN).paid_total == (Money(0, "USD"),)


def test_an_unpaid_order_adds_no_money() -> None:
    store = InMemoryCustomerSummaryStore()

    apply_customer_summaries([placed(order_id(), "21.60", 2, at=WED, customer=ANN)], store)

    assert store.summary(ANN) == CustomerSummary(ANN, 1, (), WED, WED)


def test_one_batch_or_one_event_at_a_time_give_the_same_summaries() -> None:
    first, second = order_id(), order_id()
    events = [
        placed(first, "21.60", 2, at=WED, customer=ANN),
        placed(second, "4.00", 1, at=MON, customer=BOB),
        paid(first, "21.60", customer=ANN),
        cancelled(second, customer=BOB),
        refunded(first, "0.60", refunded_total="0.60", customer=ANN),
    ]
    whole, one_by_one = InMemoryCustomerSummaryStore(), InMemoryCustomerSummaryStore()

    apply_customer_summaries(events, whole)
    for event in events:
        apply_customer_summaries([event], one_by_one)

    for customer in (ANN, BOB):
        assert whole.summary(customer) == one_by_one.summary(customer)
    assert whole.summary(ANN) == CustomerSummary(ANN, 1, (Money(2100, "USD"),), WED, WED)
    assert whole.summary(BOB) == CustomerSummary(BOB, 1, (), MON, MON)
