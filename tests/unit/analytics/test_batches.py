"""However the runner cuts a tenant's events into batches, every fold gives the same rows."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from emporium.analytics.application.projections import (
    apply_customer_summaries,
    apply_product_sales,
    apply_sales,
)
from emporium.analytics.domain.facts import DayFigures
from emporium.shared_kernel.events import EventEnvelope
from tests.unit.analytics.events import cancelled, line, paid, placed, refunded
from tests.unit.analytics.fakes import (
    InMemoryCustomerSummaryStore,
    InMemoryProductSalesStore,
    InMemorySalesStore,
)

START = datetime(2026, 11, 25, 20, tzinfo=UTC)
PRODUCTS = [str(uuid.UUID(int=n)) for n in range(1, 4)]
CUSTOMERS = [str(uuid.UUID(int=100 + n)) for n in range(2)]
#: What becomes of an order after it is placed.
FATES = ["unpaid", "cancelled", "paid", "refunded in part", "refunded in two"]


def amount(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


def life(n: int, fate: str, hours: int, customer: str) -> list[EventEnvelope]:
    """Return the events of order ``n``, placed ``hours`` after START, oldest first."""
    order = str(uuid.UUID(int=1000 + n))
    at = START + timedelta(hours=hours)
    lines = [line(PRODUCTS[n % 3], n % 4 + 1, "2.50"), line(PRODUCTS[(n + 1) % 3], 1, "0.35")]
    minor = (n % 4 + 1) * 250 + 35
    total = amount(minor)
    events = [placed(order, total, at=at, customer=customer, lines=lines)]
    if fate == "cancelled":
        events.append(cancelled(order, at=at + timedelta(hours=1), customer=customer))
    if fate.startswith(("paid", "refunded")):
        events.append(paid(order, total, at=at + timedelta(hours=3), customer=customer))
    if fate.startswith("refunded"):
        events.append(
            refunded(
                order, "0.35", refunded_total="0.35", at=at + timedelta(hours=5), customer=customer
            )
        )
    if fate == "refunded in two":
        events.append(
            refunded(order, amount(minor - 35), at=at + timedelta(hours=30), customer=customer)
        )
    return events


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[EventEnvelope], list[int]]:
    """Draw a tenant's events (each order's in its own order, orders interleaved) and cuts."""
    count = draw(st.integers(min_value=1, max_value=6))
    lives = [
        life(
            n,
            draw(st.sampled_from(FATES)),
            draw(st.integers(min_value=0, max_value=40)),
            draw(st.sampled_from(CUSTOMERS)),
        )
        for n in range(count)
    ]
    # An interleaving: which order's next event comes next.
    turns = draw(st.permutations([n for n, events in enumerate(lives) for _ in events]))
    pending = [list(events) for events in lives]
    stream = [pending[n].pop(0) for n in turns]
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=len(stream) - 1 or 1))))
    return stream, cuts


def batches(stream: list[EventEnvelope], cuts: list[int]) -> list[list[EventEnvelope]]:
    bounds = [0, *[cut for cut in cuts if cut < len(stream)], len(stream)]
    return [stream[start:end] for start, end in itertools.pairwise(bounds)]


@settings(max_examples=60, deadline=None)
@given(histories())
def test_any_batches_give_the_rows_of_one_event_at_a_time(
    history: tuple[list[EventEnvelope], list[int]],
) -> None:
    stream, cuts = history
    cut = (InMemorySalesStore(), InMemoryCustomerSummaryStore(), InMemoryProductSalesStore())
    single = (InMemorySalesStore(), InMemoryCustomerSummaryStore(), InMemoryProductSalesStore())

    for batch in batches(stream, cuts):
        apply_sales(batch, cut[0])
        apply_customer_summaries(batch, cut[1])
        apply_product_sales(batch, cut[2])
    for event in stream:
        apply_sales([event], single[0])
        apply_customer_summaries([event], single[1])
        apply_product_sales([event], single[2])

    def counted(store: InMemorySalesStore) -> dict[object, object]:
        # A day whose orders were all cancelled keeps a row of zeros when they came apart.
        return {key: day for key, day in store.figures.items() if day != DayFigures(*key)}

    assert cut[0].facts == single[0].facts
    assert cut[0].refunds == single[0].refunds
    assert counted(cut[0]) == counted(single[0])
    for customer in CUSTOMERS:
        assert cut[1].summary(customer) == single[1].summary(customer)
    assert cut[2].all() == single[2].all()
    assert cut[2].unpaid == single[2].unpaid
