"""Orders living any life on the real stack: the snapshot is the stream, a replay is the live view.

A state machine places orders and pays, cancels, expires, fulfils and refunds them through the
use cases (payments' for paying and refunding), against a model of what each step must do.
After every step:

- every order's snapshot row and lines equal the order its event stream folds to;
- the statuses, the stock and the payments are what the model says (and a step the status
  forbids is refused and changes nothing);
- every analytics projection, caught up, has the rows a replay of the whole stream into a
  scratch generation builds from nothing.

Each example opens a shop of its own, so the examples of one test never see each other.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from uuid import UUID

import pytest
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from emporium.analytics import models as views
from emporium.analytics.adapters.dashboard_store import DASHBOARD
from emporium.analytics.adapters.dashboard_store import TABLES as dashboard_tables
from emporium.analytics.adapters.projections import PROJECTIONS
from emporium.analytics.adapters.store import CUSTOMER_SUMMARY, PRODUCT_SALES, SALES
from emporium.infrastructure.projections import runner
from emporium.infrastructure.projections.models import ProjectionState
from emporium.inventory.models import StockItem
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap as ordering
from emporium.ordering.adapters import verification
from emporium.ordering.adapters.event_store import DjangoOrderEventStore, domain_event
from emporium.ordering.adapters.repository import to_domain
from emporium.ordering.application.use_cases import (
    CancelOrder,
    FulfilOrder,
    PlaceOrder,
)
from emporium.ordering.domain.order import CancelReason, Order
from emporium.ordering.models import Order as OrderRow
from emporium.ordering.models import OrderEvent
from emporium.payments import bootstrap as payments
from emporium.payments.application.pay_order import PayOrder
from emporium.payments.application.refund_payment import RefundPayment
from emporium.payments.models import Payment as PaymentRow
from emporium.shared_kernel.errors import BusinessRuleViolation
from emporium.shared_kernel.money import Money
from emporium.tenancy.models import Tenant
from tests.e2e.ordering.conftest import make_product
from tests.order_streams import backdate_reservation

pytestmark = pytest.mark.django_db(transaction=True)

CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}
#: Name and price (USD) of the shop's products; each has far more stock than a life can use.
PRODUCTS = (("Mug", "4.00"), ("Pan", "45.90"), ("Tea", "0.35"))
STOCK = 500
#: An order's lines: 1 to 3 of the products (by index), 1 to 3 units each.
ITEMS = st.dictionaries(st.integers(0, len(PRODUCTS) - 1), st.integers(1, 3), min_size=1)
#: Scratch generations live far above any the runner hands out (1, 2, 3 ... per rebuild).
SCRATCH = 1_000_000
LIFE = settings(
    max_examples=15,
    stateful_step_count=12,
    deadline=None,
    # One failure shrunk, not several: each step costs tens of queries.
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: How each projection's rows are read through its store, by projection.
READS: dict[str, Callable[[Any], list[Any]]] = {
    SALES: lambda store: list(store.all_days()),
    CUSTOMER_SUMMARY: lambda store: store.all(),
    PRODUCT_SALES: lambda store: store.all(),
    DASHBOARD: lambda store: store.all(),
}
#: Every table of each projection, the bookkeeping the reads do not show included.
TABLES: dict[str, tuple[type[Model], ...]] = {
    SALES: (views.OrderFact, views.RefundFact, views.DailySales),
    CUSTOMER_SUMMARY: (views.CustomerSummary, views.CustomerPaidTotal),
    PRODUCT_SALES: (views.UnpaidOrderLines, views.ProductSales, views.WeeklyProductSales),
    DASHBOARD: dashboard_tables,
}
_shops = itertools.count(1)


@dataclass
class Expected:
    """What the model says of one order."""

    customer: UUID
    lines: dict[UUID, int]  # product id: quantity
    total: Money
    status: str = "confirmed"
    cancel_reason: str | None = None
    payment_id: UUID | None = None
    refunded_minor: int = 0

    @property
    def left_minor(self) -> int:
        """Return what is left to refund of the payment."""
        return self.total.minor - self.refunded_minor if self.payment_id else 0


def refused(code: str) -> Any:
    """Expect a step to be refused with the business rule ``code``."""
    return pytest.raises(BusinessRuleViolation, check=lambda error: error.code == code)


def table_rows(model: type[Model], *generations: int) -> list[list[tuple[Any, ...]]]:
    """Return a projection table's rows of each generation, less their ids, in a stable order."""
    names = [
        f.attname
        for f in model._meta.concrete_fields
        if f.attname not in ("id", "tenant_id", "generation")
    ]
    found = model._default_manager.filter(generation__in=generations)
    found = found.values_list("generation", *names)
    by_generation: dict[int, list[tuple[Any, ...]]] = {g: [] for g in generations}
    for generation, *values in found:
        by_generation[generation].append(tuple(values))
    return [sorted(by_generation[g], key=repr) for g in generations]


class OrderLives(RuleBasedStateMachine):
    """A shop's orders driven through the use cases, checked against a model after each step."""

    make_tenant: Callable[..., TenantRef]
    make_account: Callable[..., Any]

    def __init__(self) -> None:
        super().__init__()
        self.expected: dict[UUID, Expected] = {}
        self.on_hand: dict[UUID, int] = {}
        self.reserved: dict[UUID, int] = {}
        self.checks = 0

    @contextmanager
    def shop(self) -> Iterator[None]:
        """Run inside the example's tenant and one transaction (RLS sees the tenant there)."""
        with tenant_context(self.tenant), transaction.atomic():
            yield

    @initialize(
        tax_rate=st.sampled_from(["0.00", "8.00", "19.00"]), items=ITEMS, buyer=st.integers(0, 1)
    )
    def open_shop(self, tax_rate: str, items: dict[int, int], buyer: int) -> None:
        """Open a shop of two customers and three products, with a first order placed."""
        number = next(_shops)
        self.tax_rate = Decimal(tax_rate)
        slug = f"life-{number}-{uuid.uuid4().hex[:6]}"
        self.tenant = self.make_tenant(slug, "Life", tax_rate=self.tax_rate)
        self.customers = [
            self.make_account(self.tenant, f"{who}-{number}@life.example", "customer").pk
            for who in ("ann", "bob")
        ]
        self.prices: dict[UUID, int] = {}
        for name, price in PRODUCTS:
            product = make_product(self.tenant, name, price, stock=STOCK)
            self.prices[product] = Money.of(price, "USD").minor
            self.on_hand[product], self.reserved[product] = STOCK, 0
        self.products = list(self.prices)
        # So that every step can act on an order from the first.
        self.place(items, buyer)

    # --- steps --------------------------------------------------------------------------------

    def ids(self, *statuses: str) -> list[UUID]:
        """Return the orders in one of ``statuses``, in the order they were placed."""
        return [i for i, expected in self.expected.items() if expected.status in statuses]

    def refundable(self) -> list[UUID]:
        """Return the orders whose payment has something left to refund."""
        return [i for i, expected in self.expected.items() if expected.left_minor]

    @rule(items=ITEMS, buyer=st.integers(0, 1))
    def place(self, items: dict[int, int], buyer: int) -> None:
        lines = {self.products[index]: quantity for index, quantity in items.items()}
        customer = self.customers[buyer]
        with tenant_context(self.tenant):
            order = ordering.place_order(PlaceOrder(customer, list(lines.items())))
        subtotal = sum(self.prices[product] * quantity for product, quantity in lines.items())
        tax = (Decimal(subtotal) * self.tax_rate / 100).quantize(Decimal(1), ROUND_HALF_EVEN)
        assert order.total == Money(subtotal + int(tax), "USD")
        self.expected[order.id] = Expected(customer, lines, order.total)
        for product, quantity in lines.items():
            self.reserved[product] += quantity

    @precondition(lambda self: self.ids("confirmed"))
    @rule(data=st.data())
    def pay(self, data: st.DataObject) -> None:
        order = data.draw(st.sampled_from(self.ids("confirmed")), label="order")
        expected = self.expected[order]
        with tenant_context(self.tenant):
            payment = payments.pay_order(self.payment_of(order))
        assert payment.amount == expected.total
        expected.status, expected.payment_id = "paid", payment.id
        for product, quantity in expected.lines.items():
            self.on_hand[product] -= quantity
            self.reserved[product] -= quantity

    @precondition(lambda self: self.ids("confirmed"))
    @rule(data=st.data(), reason=st.sampled_from([CancelReason.CUSTOMER, CancelReason.STAFF]))
    def cancel(self, data: st.DataObject, reason: CancelReason) -> None:
        order = data.draw(st.sampled_from(self.ids("confirmed")), label="order")
        with tenant_context(self.tenant):
            ordering.cancel_order(CancelOrder(order, reason))
        self.released(self.expected[order], reason.value)

    @precondition(lambda self: self.ids("confirmed"))
    @rule(data=st.data())
    def expire(self, data: st.DataObject) -> None:
        """Let the order's reservation run out, then run the expiry sweep of every shop."""
        order = data.draw(st.sampled_from(self.ids("confirmed")), label="order")
        assert self.swept_after_backdating(order) == 1
        self.released(self.expected[order], CancelReason.EXPIRED.value)

    @precondition(lambda self: self.ids("paid"))
    @rule(data=st.data())
    def fulfil(self, data: st.DataObject) -> None:
        order = data.draw(st.sampled_from(self.ids("paid")), label="order")
        with tenant_context(self.tenant):
            ordering.fulfil_order(FulfilOrder(order))
        self.expected[order].status = "fulfilled"

    @precondition(lambda self: self.refundable())
    @rule(data=st.data(), whole=st.booleans(), share=st.integers(1, 99), restock=st.booleans())
    def refund(self, data: st.DataObject, whole: bool, share: int, restock: bool) -> None:
        """Refund all that is left, or a share of it; restock only goes with the rest."""
        order = data.draw(st.sampled_from(self.refundable()), label="order")
        expected = self.expected[order]
        left = expected.left_minor
        amount = None if whole else Money(max(1, left * share // 100), "USD")
        refunding = left if amount is None else amount.minor
        command = RefundPayment(expected.payment_id, amount, restock=restock)  # type: ignore[arg-type]
        with tenant_context(self.tenant):
            if restock and refunding < left:
                with refused("restock-needs-full-refund"):
                    payments.refund_payment(command, by=None)
                return
            done = payments.refund_payment(command, by=None)
        assert done.amount.minor == refunding
        expected.refunded_minor += refunding
        if expected.left_minor == 0:
            expected.status = "refunded"
            if restock:
                for product, quantity in expected.lines.items():
                    self.on_hand[product] += quantity

    @precondition(lambda self: self.ids("paid", "fulfilled", "refunded", "cancelled"))
    @rule(data=st.data())
    def refused_steps(self, data: st.DataObject) -> None:
        """Ask for what the order's status forbids: refused, and nothing changes."""
        order = data.draw(
            st.sampled_from(self.ids("paid", "fulfilled", "refunded", "cancelled")),
            label="order",
        )
        expected = self.expected[order]
        forbidden: dict[str, Callable[[], object]] = {
            "not-payable": lambda: payments.pay_order(self.payment_of(order)),
            "not-cancellable": lambda: ordering.cancel_order(
                CancelOrder(order, CancelReason.CUSTOMER)
            ),
        }
        if expected.status != "paid":
            forbidden["not-fulfillable"] = lambda: ordering.fulfil_order(FulfilOrder(order))
        if expected.payment_id and not expected.left_minor:
            refund = RefundPayment(expected.payment_id, None)
            forbidden["not-refundable"] = lambda: payments.refund_payment(refund, by=None)
        code = data.draw(st.sampled_from(sorted(forbidden)), label="refused")
        with tenant_context(self.tenant), refused(code):
            forbidden[code]()
        # A sweep past the reservation leaves an order that is no longer confirmed alone.
        assert self.swept_after_backdating(order) == 0

    def payment_of(self, order: UUID) -> PayOrder:
        """Return the payment of ``order`` by its customer with the test card."""
        customer = self.expected[order].customer
        return PayOrder(order, customer, False, "card", {"method": "card", **CARD})

    def swept_after_backdating(self, order: UUID) -> int:
        """Move the order's reservation into the past, sweep; return what the shop cancelled."""
        with self.shop():
            backdate_reservation(order, timezone.now() - timedelta(seconds=1))
        swept: dict[UUID, int] = {}
        ordering.release_expired_reservations(lambda tenant, n: swept.update({tenant.id: n}))
        return swept[self.tenant.id]

    def teardown(self) -> None:
        # Out of the later examples' expiry sweeps, which run over every active shop.
        if hasattr(self, "tenant"):
            Tenant.objects.filter(pk=self.tenant.id).update(status="suspended")

    def released(self, expected: Expected, reason: str) -> None:
        expected.status, expected.cancel_reason = "cancelled", reason
        for product, quantity in expected.lines.items():
            self.reserved[product] -= quantity

    # --- checks after every step ----------------------------------------------------------------

    @invariant()
    def every_snapshot_is_its_folded_stream(self) -> None:
        with self.shop():
            events = OrderEvent.objects.order_by("order_id", "version")
            streams = {
                order_id: list(stream)
                for order_id, stream in itertools.groupby(events, key=lambda e: e.order_id)
            }
            snapshots = {
                row.id: (row, list(row.lines.all()))
                for row in OrderRow.objects.prefetch_related("lines")
            }
        assert streams.keys() == snapshots.keys() == self.expected.keys()
        for order_id, expected in self.expected.items():
            # As the operators' check compares them: the fold, the row, its lines and amounts.
            assert verification.compare(snapshots[order_id], streams[order_id]) == []
            truth = Order.from_events(map(domain_event, streams[order_id])).state()
            assert truth == to_domain(*snapshots[order_id]).state()
            assert (truth.status, truth.cancel_reason, truth.payment_id, truth.total) == (
                expected.status,
                expected.cancel_reason,
                expected.payment_id,
                expected.total,
            )
            assert (truth.paid_at is not None) is (expected.payment_id is not None)
            assert {line.product_id: line.quantity for line in truth.lines} == expected.lines
            assert truth.customer_id == expected.customer

    @invariant()
    def stock_and_payments_follow_the_model(self) -> None:
        with self.shop():
            stock = {
                item.product_id: (item.on_hand, item.reserved) for item in StockItem.objects.all()
            }
            statuses = dict(PaymentRow.objects.values_list("order_id", "status"))
        assert stock == {p: (self.on_hand[p], self.reserved[p]) for p in self.products}
        payment_statuses = {
            order_id: (
                "captured"
                if not expected.refunded_minor
                else "refunded"
                if expected.left_minor == 0
                else "partially_refunded"
            )
            for order_id, expected in self.expected.items()
            if expected.payment_id
        }
        assert statuses == payment_statuses

    @invariant()
    def every_projection_equals_a_replay_from_scratch(self) -> None:
        assert set(READS) == set(TABLES) == {projection.name for projection in PROJECTIONS}
        registry = runner.projection_registry()
        self.checks += 1
        scratch = SCRATCH + self.checks
        with self.shop():
            head = DjangoOrderEventStore().head()
        with tenant_context(self.tenant):
            for projection in PROJECTIONS:
                entry = registry.get(projection.name)
                runner.catch_up(entry)
                replayed = runner.replay_into(entry, scratch)
                try:
                    with transaction.atomic():
                        # Positions are gap-free: the replay read every event up to the head.
                        assert replayed == (head, head)
                        live = ProjectionState.objects.get(name=entry.name)
                        assert live.position == head
                        generation = live.generation
                        read = READS[entry.name]
                        store = projection.store  # type: ignore[attr-defined]
                        assert read(store(None)) == read(store(scratch)), entry.name
                        for model in TABLES[entry.name]:
                            live_rows, replayed_rows = table_rows(model, generation, scratch)
                            assert live_rows == replayed_rows, f"{entry.name}: {model.__name__}"
                finally:
                    with transaction.atomic():
                        projection.drop(scratch)


def test_any_life_of_orders_keeps_snapshots_and_projections_true(
    make_tenant: Callable[..., TenantRef], make_account: Callable[..., Any], settings: Any
) -> None:
    # No broker: the consumers (the projections' among them) run in-process after each commit,
    # as in the embedded default, so the live rows move one committed step at a time.
    settings.CELERY_BROKER_URL = ""
    lives = type(
        "ShopLives",
        (OrderLives,),
        {"make_tenant": staticmethod(make_tenant), "make_account": staticmethod(make_account)},
    )
    run_state_machine_as_test(lives, settings=LIFE)
