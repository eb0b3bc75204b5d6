"""The dashboard projection: sales, order values, statuses and customers from order events.

The runner hands each batch over in position order, exactly once (ADR 0017), so the fold
needs no duplicate check. It keeps what a later event needs (an order's placed bucket and
status, a customer's first payment) in tracked rows of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from emporium.analytics.application.ports import DashboardStore
from emporium.analytics.application.projections import (
    ORDER_CANCELLED,
    ORDER_PAID,
    ORDER_PLACED,
    ORDER_REFUNDED,
    Envelope,
)
from emporium.analytics.domain.dashboard import (
    Bucket,
    TrackedCustomer,
    TrackedOrder,
    bucket_start,
    value_bucket,
)
from emporium.shared_kernel.money import Money

ORDER_FULFILLED = "ordering.order_fulfilled"

DASHBOARD_EVENTS = frozenset(
    {ORDER_PLACED, ORDER_PAID, ORDER_CANCELLED, ORDER_FULFILLED, ORDER_REFUNDED}
)


def _instant(value: datetime | str) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC)


class _Fold:
    """One batch's deltas, and the tracked rows it read and changed."""

    def __init__(self, store: DashboardStore, envelopes: Sequence[Envelope]) -> None:
        later = {e.aggregate_id for e in envelopes if e.type != ORDER_PLACED}
        payers = {e.payload["customer_id"] for e in envelopes if e.type == ORDER_PAID}
        self.orders = store.orders_of(later) if later else {}
        self.customers = store.customers_of(payers) if payers else {}
        self.new_orders: dict[str, TrackedOrder] = {}
        self.changed: set[str] = set()
        self.changed_customers: set[str] = set()
        self.buckets: dict[tuple[datetime, str], Bucket] = {}
        self.values: dict[tuple[date, str, int], int] = {}
        self.statuses: dict[str, int] = {}

    def bucket(self, moment: datetime, currency: str) -> Bucket:
        return self.buckets.setdefault((bucket_start(moment), currency), Bucket())

    def move(self, order: TrackedOrder, status: str) -> None:
        """Change the order's status in its placed bucket and in the shop-wide counts."""
        old = order.status
        self.bucket(order.placed_at, order.currency).move(old, status)
        self.statuses[old] = self.statuses.get(old, 0) - 1
        self.statuses[status] = self.statuses.get(status, 0) + 1
        order.status = status
        if order.order_id not in self.new_orders:
            self.changed.add(order.order_id)

    def placed(self, envelope: Envelope) -> None:
        total = Money.from_dict(envelope.payload["total"])
        order = TrackedOrder(
            envelope.aggregate_id, _instant(envelope.occurred_at), total.currency, "confirmed"
        )
        self.orders[order.order_id] = self.new_orders[order.order_id] = order
        self.bucket(order.placed_at, order.currency).move(None, "confirmed")
        self.statuses["confirmed"] = self.statuses.get("confirmed", 0) + 1

    def paid(self, envelope: Envelope, order: TrackedOrder) -> None:
        payload = envelope.payload
        paid_at = _instant(payload["paid_at"])
        total = Money.from_dict(payload["total"])
        bucket = self.bucket(paid_at, total.currency)
        bucket.orders += 1
        bucket.paid_minor += total.minor
        key = (paid_at.date(), total.currency, value_bucket(total.minor))
        self.values[key] = self.values.get(key, 0) + 1
        self.customer_paid(payload["customer_id"], paid_at, bucket)
        self.move(order, "paid")

    def customer_paid(self, customer_id: str, paid_at: datetime, bucket: Bucket) -> None:
        # New: the customer's first payment. Returning: a later one, counted once per UTC day.
        customer = self.customers.get(customer_id)
        if customer is None:
            self.customers[customer_id] = TrackedCustomer(customer_id, paid_at, paid_at.date())
            bucket.new_customers += 1
        elif customer.last_paid_day != paid_at.date():
            customer.last_paid_day = paid_at.date()
            bucket.returning_customers += 1
        else:
            return
        self.changed_customers.add(customer_id)

    def refunded(self, envelope: Envelope, order: TrackedOrder) -> None:
        amount = Money.from_dict(envelope.payload["amount"])
        self.bucket(
            _instant(envelope.payload["refunded_at"]), amount.currency
        ).refunds_minor += amount.minor
        if envelope.payload["fully"]:
            self.move(order, "refunded")

    def apply(self, envelope: Envelope) -> None:
        if envelope.type == ORDER_PLACED:
            self.placed(envelope)
            return
        order = self.orders.get(envelope.aggregate_id)
        if order is None:  # no place before it: nothing to move (replays start at position 0)
            return
        if envelope.type == ORDER_PAID:
            self.paid(envelope, order)
        elif envelope.type == ORDER_CANCELLED:
            self.move(order, "cancelled")
        elif envelope.type == ORDER_FULFILLED:
            self.move(order, "fulfilled")
        else:
            self.refunded(envelope, order)

    def save(self, store: DashboardStore) -> None:
        store.save(
            self.new_orders.values(),
            [self.orders[i] for i in sorted(self.changed)],
            [self.customers[i] for i in sorted(self.changed_customers)],
        )
        store.add_to_buckets(self.buckets)
        store.add_order_values({k: n for k, n in self.values.items() if n})
        store.add_status_counts({k: n for k, n in self.statuses.items() if n})


def apply_dashboard(envelopes: Sequence[Envelope], store: DashboardStore) -> None:
    """Fold placed, paid, cancelled, fulfilled and refunded orders into the dashboard's rows."""
    envelopes = [e for e in envelopes if e.type in DASHBOARD_EVENTS]
    if not envelopes:
        return
    fold = _Fold(store, envelopes)
    for envelope in envelopes:
        fold.apply(envelope)
    fold.save(store)
