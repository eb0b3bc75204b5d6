"""Analytics' projections of ordering's events: each folds a batch of events into its rows.

The runner hands each batch over in position order, exactly once, inside the transaction that
moves the projection's position. The sales fold still tolerates repeats and a cancel before its
place, which is how its rules were first written for at-least-once delivery; the customer
summaries and product sales count on the runner's exactly once (a repeated place would count
twice).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from emporium.analytics.application.ports import (
    CustomerSummaryStore,
    ProductSalesStore,
    SalesStore,
)
from emporium.analytics.domain.customers import SummaryDelta
from emporium.analytics.domain.facts import DayFigures, OrderFact, changes, refund_figures
from emporium.analytics.domain.products import ProductDay, merged, paid_lines
from emporium.shared_kernel.money import Money

ORDER_PLACED = "ordering.order_placed"
ORDER_CANCELLED = "ordering.order_cancelled"
ORDER_PAID = "ordering.order_paid"
ORDER_REFUNDED = "ordering.order_refunded"

SALES_EVENTS = frozenset({ORDER_PLACED, ORDER_CANCELLED, ORDER_REFUNDED})
CUSTOMER_EVENTS = frozenset({ORDER_PLACED, ORDER_PAID, ORDER_REFUNDED})
PRODUCT_EVENTS = frozenset({ORDER_PLACED, ORDER_PAID, ORDER_CANCELLED})


class Envelope(Protocol):
    """What the projections read of an event's envelope."""

    @property
    def type(self) -> str: ...

    @property
    def occurred_at(self) -> datetime: ...

    @property
    def aggregate_id(self) -> str: ...

    @property
    def payload(self) -> dict[str, Any]: ...


def _utc_day(moment: datetime | str) -> Any:
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(UTC).date()


# --- sales per day ----------------------------------------------------------------------------


def _fact_after(fact: OrderFact, envelope: Envelope) -> OrderFact:
    if envelope.type == ORDER_PLACED:
        # The day is the UTC day the order was placed, whatever the shop's time zone.
        units = sum(int(line["quantity"]) for line in envelope.payload["lines"])
        total = Money.from_dict(envelope.payload["total"])
        return fact.place(_utc_day(envelope.occurred_at), units, total)
    return fact.cancel()


def _summed(deltas: Iterable[DayFigures]) -> list[DayFigures]:
    by_day: dict[tuple[Any, str], DayFigures] = {}
    for delta in deltas:
        key = (delta.day, delta.currency)
        seen = by_day.get(key)
        by_day[key] = (
            delta
            if seen is None
            else DayFigures(
                delta.day,
                delta.currency,
                seen.orders + delta.orders,
                seen.units + delta.units,
                seen.revenue_minor + delta.revenue_minor,
                seen.refunds_minor + delta.refunds_minor,
            )
        )
    # A place and its cancel in one batch add up to nothing: no write for them.
    return [f for f in by_day.values() if f != DayFigures(f.day, f.currency)]


def apply_sales(envelopes: Sequence[Envelope], store: SalesStore) -> None:
    """Fold placed, cancelled and refunded orders into the day figures, each event once."""
    envelopes = [e for e in envelopes if e.type in SALES_EVENTS]
    order_ids = {e.aggregate_id for e in envelopes if e.type != ORDER_REFUNDED}
    before = store.facts_of(order_ids) if order_ids else {}
    facts = dict(before)
    refunds = [e for e in envelopes if e.type == ORDER_REFUNDED]
    # A refund counts on the UTC day it was made, apart from its order's place and cancel; its
    # id makes a repeat count nothing.
    new_refunds = (
        store.record_refunds_once({(e.payload["refund_id"], e.aggregate_id) for e in refunds})
        if refunds
        else set()
    )
    deltas: list[DayFigures] = []
    for envelope in envelopes:
        if envelope.type == ORDER_REFUNDED:
            refund_id = envelope.payload["refund_id"]
            if refund_id in new_refunds:
                new_refunds.discard(refund_id)
                on = _utc_day(envelope.payload["refunded_at"])
                deltas.append(refund_figures(on, Money.from_dict(envelope.payload["amount"])))
        else:
            order_id = envelope.aggregate_id
            facts[order_id] = _fact_after(facts[order_id], envelope)
    changed = [facts[i] for i in order_ids if facts[i] != before[i]]
    for fact in changed:
        deltas.extend(changes(before[fact.order_id], fact))
    if changed:
        store.save_facts(changed)
    store.add_to_days(_summed(deltas))


# --- customer summaries -----------------------------------------------------------------------


def apply_customer_summaries(envelopes: Sequence[Envelope], store: CustomerSummaryStore) -> None:
    """Count placed orders and paid money (less refunds) per customer."""
    deltas: dict[str, SummaryDelta] = {}
    for envelope in envelopes:
        if envelope.type not in CUSTOMER_EVENTS:
            continue
        payload = envelope.payload
        customer = payload["customer_id"]
        delta = deltas.setdefault(customer, SummaryDelta(customer))
        if envelope.type == ORDER_PLACED:
            delta.placed(envelope.occurred_at)
        elif envelope.type == ORDER_PAID:
            delta.paid(Money.from_dict(payload["total"]))
        else:
            delta.paid(-Money.from_dict(payload["amount"]))
    if deltas:
        store.add(deltas.values())


# --- product sales ----------------------------------------------------------------------------


def apply_product_sales(envelopes: Sequence[Envelope], store: ProductSalesStore) -> None:
    """Add the lines of each order paid to its products' day; keep lines until then."""
    envelopes = [e for e in envelopes if e.type in PRODUCT_EVENTS]
    settled = {e.aggregate_id for e in envelopes if e.type != ORDER_PLACED}
    stored = store.unpaid_lines(settled) if settled else {}
    pending: dict[str, list[dict[str, Any]]] = {}  # placed in this batch, not yet settled
    used: set[str] = set()  # settled orders whose lines were stored by an earlier batch
    sales: list[ProductDay] = []
    for envelope in envelopes:
        order_id = envelope.aggregate_id
        if envelope.type == ORDER_PLACED:
            pending[order_id] = envelope.payload["lines"]
            continue
        lines = pending.pop(order_id, None)
        if lines is None and order_id in stored and order_id not in used:
            lines = stored[order_id]
            used.add(order_id)
        if envelope.type == ORDER_PAID and lines is not None:
            sales.extend(paid_lines(lines, _utc_day(envelope.payload["paid_at"])))
    if pending:
        store.keep_lines(pending)
    if used:
        store.forget_lines(used)
    if sales:
        store.add_sales(merged(sales))
