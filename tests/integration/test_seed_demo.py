"""seed_demo creates the demo shops of API.md with four weeks of history, idempotently.

One run is checked from every side in one test (a run takes a while): the orders the plan says,
each with its history from the moment it was placed; stock that the ledger and the orders both
explain; sales figures equal to what was paid less what was refunded, day by day; no e-mail on
the console. The figures are pinned, so every run on every database must give the same.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from io import StringIO
from typing import Any, ClassVar

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone
from rich.progress import Progress, TaskID

from emporium.analytics.bootstrap import sales_report
from emporium.catalog.models import Category, Product
from emporium.demo import seed as demo_seed
from emporium.demo.management.commands import seed_demo
from emporium.demo.plan import (
    CUSTOMERS,
    STOCK_FLOOR,
    STOCK_PER_PRODUCT,
    PlannedOrder,
    history_period,
    opening,
)
from emporium.identity.models import User
from emporium.infrastructure.messaging.inbox import consume_once, consumer_registry
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.infrastructure.projections.runner import projection_registry
from emporium.inventory.models import StockItem, StockMovement
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering.models import Order, OrderEvent, OrderLine
from emporium.payments.models import Payment, Refund
from emporium.shared_kernel.money import Money
from emporium.tenancy.models import Tenant

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "admin"])

#: The orders of each shop by status (and why the cancelled ones were), pinned.
STATUSES = {
    "acme": {"fulfilled": 86, "cancelled": 17, "paid": 5, "refunded": 4},
    "globex": {"fulfilled": 92, "cancelled": 9, "paid": 9, "refunded": 4},
}
CANCEL_REASONS = {"acme": {"customer": 8, "expired": 9}, "globex": {"customer": 5, "expired": 4}}


def run(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def shop(slug: str) -> TenantRef:
    return TenantRef(Tenant.objects.get(slug=slug).id, slug)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


class CountingProgress(Progress):
    """The command's progress bar, counting its steps: each run should fill its total."""

    runs: ClassVar[list[list[float]]] = []

    def add_task(self, *args: Any, **kwargs: Any) -> TaskID:
        self.runs.append([kwargs["total"], 0])
        return super().add_task(*args, **kwargs)

    def advance(self, task_id: TaskID, advance: float = 1) -> None:
        self.runs[-1][1] += advance
        super().advance(task_id, advance)


def test_seed_demo_creates_the_shops_with_their_history_once(settings, capsys, monkeypatch) -> None:
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    monkeypatch.setattr(seed_demo, "Progress", CountingProgress)
    monkeypatch.setattr(CountingProgress, "runs", [])
    today = timezone.now().date()

    first = run()
    second = run()

    assert (
        "Demo data ready (12 accounts, 6 categories, 1 operator, 226 orders, 200 payments, "
        "44 products, 18 refunds, 2 tenants)." in first
    )
    assert "Demo data ready (nothing new)." in second
    # 2 shops of 25 steps, the operator, and the steps of the histories (acme 322, globex 334);
    # a second run skips them all and still fills the bar.
    assert CountingProgress.runs == [[51 + 322 + 334, 51 + 322 + 334]] * 2
    assert "Subject:" not in capsys.readouterr().out  # no e-mail of the history printed
    # Without a broker the consumers ran in-process: each order confirmed, payment receipted
    # and refund noticed, into the seed's in-memory e-mail. With one, nothing is sent yet.
    assert len(mail.outbox) == (0 if django_settings.CELERY_BROKER_URL else 226 + 200 + 18)
    assert sorted(Tenant.objects.values_list("slug", flat=True)) == ["acme", "globex"]
    plans = demo_seed.plans(today)
    for slug in ("acme", "globex"):
        # On PostgreSQL tenant rows are visible inside a transaction only (RLS, fail closed).
        with tenant_context(shop(slug)), transaction.atomic():
            check_catalog_and_accounts(slug)
            check_orders(slug, plans[slug])
            check_history(slug, today)
            check_stock(today)
            check_sales(today)
    assert User.objects.filter(email="operator@example.com").exists()  # no tenant: operators

    # With a broker the relay delivers the history after the seed: the figures stay the same.
    late = deliver_to_the_projections()
    assert bool(late) == bool(django_settings.CELERY_BROKER_URL)
    for slug in ("acme", "globex"):
        with tenant_context(shop(slug)), transaction.atomic():
            check_sales(today)


def deliver_to_the_projections() -> int:
    """Deliver the events still waiting in the outbox to the projections, as a relay would."""
    consumer = "projections"
    delivered = 0
    types = projection_registry().event_types()
    waiting = OutboxMessage.objects.filter(published_at__isnull=True, type__in=types)
    for row in waiting.order_by("created_at", "aggregate_version"):
        envelope = row.to_envelope()
        handler = consumer_registry().handler_for(consumer, envelope.type)
        assert handler is not None
        delivered += consume_once(consumer, envelope, handler)
    return delivered


def check_catalog_and_accounts(slug: str) -> None:
    roles = dict(User.objects.values_list("email", "role"))
    assert roles == {
        f"owner@{slug}.example": "owner",
        **{f"{name}@{slug}.example": "customer" for name in CUSTOMERS},
    }
    request = RequestFactory().post("/", HTTP_HOST=f"{slug}.localhost")
    assert authenticate(request, email=f"owner@{slug}.example", password="demo-owner-pass")
    assert authenticate(request, email=f"customer@{slug}.example", password="demo-customer-pass")
    # The other customers have a history and no password.
    assert not User.objects.get(email=f"ada@{slug}.example").has_usable_password()
    assert Category.objects.count() == 3
    assert Product.objects.filter(status="published").count() == 22
    assert StockItem.objects.count() == 22


def planned_status(order: PlannedOrder) -> str:
    """Return the status the plan's steps leave, read from the plan alone."""
    status = "confirmed"
    for step in order.steps:
        full_refund = step.act == "refund" and step.percent is None
        moved = {"pay": "paid", "fulfil": "fulfilled", "cancel": "cancelled", "expire": "cancelled"}
        status = "refunded" if full_refund else moved.get(step.act, status)
    return status


def check_orders(slug: str, plan: tuple[PlannedOrder, ...]) -> None:
    statuses = Counter(Order.objects.values_list("status", flat=True))
    reasons = Counter(
        Order.objects.filter(status="cancelled").values_list("cancel_reason", flat=True)
    )
    assert statuses == STATUSES[slug]
    assert statuses == Counter(planned_status(order) for order in plan)
    assert reasons == CANCEL_REASONS[slug]
    # Placed when the plan says, by the customer it says, each order its own moment.
    emails = {str(uid): email for email, uid in User.objects.values_list("email", "id")}
    placed = sorted(
        (created_at, emails[str(customer_id)])
        for created_at, customer_id in Order.objects.values_list("created_at", "customer_id")
    )
    assert placed == [(o.placed_at, f"{o.customer}@{slug}.example") for o in plan]
    assert not Payment.objects.exclude(
        status__in=["captured", "partially_refunded", "refunded"]
    ).exists()


def check_history(slug: str, today: date) -> None:
    start, end = opening(today), datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    events: defaultdict[str, list[OrderEvent]] = defaultdict(list)
    for event in OrderEvent.objects.order_by("version"):
        events[str(event.order_id)].append(event)
        assert start < event.occurred_at < end
    hold = django_settings.EMPORIUM_RESERVATION_HOLD
    paid_at = dict(Payment.objects.values_list("order_id", "created_at"))
    for order in Order.objects.all():
        history = events[str(order.id)]
        assert [e.version for e in history] == list(range(1, order.version + 1))
        assert history[0].type == "ordering.order_placed"
        assert history[0].occurred_at == order.created_at
        assert order.reserved_until == order.created_at + hold
        assert order.paid_at == paid_at.get(order.id)
        if order.paid_at is not None:
            paid = next(e for e in history if e.type == "ordering.order_paid")
            assert paid.occurred_at == order.paid_at < order.reserved_until
    # Every event went through the outbox, at the moment it happened; without a broker the
    # in-process consumers took them at once, with one they wait for the relay.
    stored = dict(OrderEvent.objects.values_list("id", "occurred_at"))
    outbox = dict(
        OutboxMessage.objects.filter(id__in=list(stored)).values_list("id", "occurred_at")
    )
    assert outbox == stored
    published = OutboxMessage.objects.filter(id__in=list(stored), published_at__isnull=False)
    assert published.count() == (0 if django_settings.CELERY_BROKER_URL else len(stored))
    assert all(start < at < end for at in Refund.objects.values_list("created_at", flat=True))


def check_stock(today: date) -> None:
    sold: Counter[str] = Counter()
    restocked: Counter[str] = Counter()
    orders_restocked = {
        str(e.order_id)
        for e in OrderEvent.objects.filter(type="ordering.order_refunded")
        if e.payload["restocked"]
    }
    paid = set(Order.objects.filter(paid_at__isnull=False).values_list("id", flat=True))
    for order_id, product_id, quantity in OrderLine.objects.values_list(
        "order_id", "product_id", "quantity"
    ):
        if order_id in paid:
            sold[str(product_id)] += quantity
        if str(order_id) in orders_restocked:
            restocked[str(product_id)] += quantity
    assert sum(restocked.values()) > 0
    ledger: defaultdict[str, list[StockMovement]] = defaultdict(list)
    for movement in StockMovement.objects.order_by("created_at", "id"):
        ledger[str(movement.product_id)].append(movement)
    for item in StockItem.objects.all():
        product = str(item.product_id)
        expected = STOCK_PER_PRODUCT - sold[product] + restocked[product]
        assert (item.on_hand, item.reserved) == (expected, 0)
        assert item.on_hand >= STOCK_FLOOR
        movements = ledger[product]
        # Counted when the shop opened, then moved by the orders; never below zero.
        assert (movements[0].kind, movements[0].created_at) == ("adjust", opening(today))
        assert sum(m.on_hand_delta for m in movements) == item.on_hand
        assert sum(m.reserved_delta for m in movements) == 0
        assert min(m.on_hand_after - m.reserved_after for m in movements) >= 0


def check_sales(today: date) -> None:
    first, last = history_period(today)
    report = sales_report(first.isoformat(), last.isoformat())

    # What was paid, by the day the order was placed, and what was refunded, by refund day.
    expected: defaultdict[date, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    units = Counter[str]()
    for order_id, quantity in OrderLine.objects.values_list("order_id", "quantity"):
        units[str(order_id)] += quantity
    for order in Order.objects.filter(paid_at__isnull=False):
        day = expected[order.created_at.astimezone(UTC).date()]
        day[0] += 1
        day[1] += units[str(order.id)]
        day[2] += order.total.minor
    for refund in Refund.objects.all():
        expected[refund.created_at.astimezone(UTC).date()][3] += refund.amount.minor
    assert {
        day: [sales.orders, sales.units, sales.revenue.minor, sales.refunded.minor]
        for day, sales in report.days
        if sales.orders or sales.refunded.minor
    } == {day: [o, u, paid - back, back] for day, (o, u, paid, back) in expected.items()}

    captured = sum(p.amount.minor for p in Payment.objects.all())
    refunded = sum(r.amount.minor for r in Refund.objects.all())
    assert report.totals.orders == Payment.objects.count()
    assert report.totals.revenue == usd(captured - refunded)
    assert report.totals.refunded == usd(refunded)
    assert refunded > 0
    # A day without a sale is rare but possible: most days have some.
    assert sum(1 for _day, sales in report.days if sales.orders) >= 20


REPORT = demo_seed.SeedReport({"tenants": 2})


def test_seed_demo_refuses_without_debug_unless_forced(settings, monkeypatch) -> None:
    # Only the command's guard is tested here: the seed itself is the test above.
    ran = []
    monkeypatch.setattr(seed_demo, "steps", lambda today: 1)
    monkeypatch.setattr(seed_demo, "seed", lambda advance, today: ran.append(today) or REPORT)
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG off"):
        run()
    assert not ran
    assert "Demo data ready (2 tenants)." in run(force=True)
    assert len(ran) == 1
