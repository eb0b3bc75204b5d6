"""Rebuild every projection and verify every order of a shop with N stored order events.

A shop's order history (default 100,000 events; ``--events``) is made by the real Order
aggregate in memory (place, pay, fulfil, refund, cancel, left confirmed), then written with
PostgreSQL ``COPY`` through the owner's connection: events with their positions, the snapshot
rows and lines, the stream head. Then, on PostgreSQL:

1. each projection is rebuilt on the idle shop (events/s);
2. each is rebuilt again while a thread places orders through the real use case; after a final
   catch-up the live rows must equal a fresh replay into a scratch generation;
3. ``verify_orders`` folds every order and compares it with its row (orders/s), finds nothing,
   then finds the difference planted in one row.

    make bench-event-sourcing        # or: <PostgreSQL URLs> python benchmarks/event_sourcing.py
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.db import DatabaseError, connections, transaction  # noqa: E402
from django.db.models import JSONField, Model  # noqa: E402
from django.test import override_settings  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from emporium.catalog import bootstrap as catalog  # noqa: E402
from emporium.catalog.application import use_cases as catalog_cases  # noqa: E402
from emporium.identity.domain.roles import Role  # noqa: E402
from emporium.identity.models import AuditEvent, User  # noqa: E402
from emporium.infrastructure.db.maintenance import maintenance  # noqa: E402
from emporium.infrastructure.projections import runner  # noqa: E402
from emporium.inventory.application.use_cases import SetStock  # noqa: E402
from emporium.inventory.bootstrap import count_stock  # noqa: E402
from emporium.multitenancy.context import TenantRef, tenant_context  # noqa: E402
from emporium.multitenancy.scoping import TenantOwnedModel  # noqa: E402
from emporium.ordering import bootstrap as ordering  # noqa: E402
from emporium.ordering import models as rows  # noqa: E402
from emporium.ordering.adapters.verification import Verification  # noqa: E402
from emporium.ordering.application.use_cases import PlaceOrder  # noqa: E402
from emporium.ordering.domain.order import CancelReason, Order  # noqa: E402
from emporium.shared_kernel.money import Money  # noqa: E402
from emporium.tenancy import bootstrap as tenancy  # noqa: E402
from emporium.tenancy.application.use_cases import CreateTenant  # noqa: E402
from emporium.tenancy.models import Tenant  # noqa: E402

OWNER = "admin"  # the owner's connection: BYPASSRLS, so COPY and clean-up see every tenant
PRODUCTS = 40
CUSTOMERS = 500
#: Scratch generations for comparisons live far above any the runner hands out.
SCRATCH = 1_000_000


@dataclass
class History:
    """What the generator made: model instances to copy, and how many of each."""

    orders: list[rows.Order]
    lines: list[rows.OrderLine]
    events: list[rows.OrderEvent]


def _life(order: Order, fate: float, at: datetime) -> None:
    """Give a placed order one of the lives a shop sees, by ``fate`` in [0, 1)."""
    if fate < 0.20:
        return  # left confirmed
    if fate < 0.40:
        order.cancel(CancelReason.CUSTOMER if fate < 0.32 else CancelReason.EXPIRED)
        return
    payment = uuid.uuid4()
    order.mark_paid(payment, at + timedelta(minutes=3))
    if fate < 0.85:
        order.fulfil()
    if fate >= 0.92:
        total = order.total
        half = Money(total.minor // 2, total.currency)
        refunded = at + timedelta(days=2)
        if half.is_positive:
            order.record_refund(
                payment_id=payment,
                refund_id=uuid.uuid4(),
                amount=half,
                refunded_total=half,
                at=refunded,
            )
            rest = total - half
            order.record_refund(
                payment_id=payment,
                refund_id=uuid.uuid4(),
                amount=rest,
                refunded_total=total,
                at=refunded + timedelta(hours=1),
            )


def generate(tenant: TenantRef, events: int, seed: int = 7) -> History:
    """Return orders, lines and events of the shop until there are at least ``events`` events."""
    chance = random.Random(seed)
    products = [(uuid.uuid4(), f"Product {n}", 100 + 37 * n) for n in range(PRODUCTS)]
    customers = [uuid.uuid4() for _ in range(CUSTOMERS)]
    start = datetime.now(UTC) - timedelta(days=90)
    history = History([], [], [])
    position = 0
    while position < events:
        at = start + timedelta(seconds=chance.randrange(90 * 86_400))
        order = Order(
            customer_id=chance.choice(customers),
            currency="USD",
            tax_rate=Decimal("8.00"),
            created_at=at,
        )
        for product, name, cents in chance.sample(products, chance.randint(1, 3)):
            order.add_line(product, name, Money(cents, "USD"), chance.randint(1, 4))
        order.confirm(at + timedelta(minutes=15))
        _life(order, chance.random(), at)
        state = order.state()
        history.orders.append(
            rows.Order(
                tenant_id=tenant.id,
                id=order.id,
                customer_id=order.customer_id,
                currency="USD",
                tax_rate=order.tax_rate,
                status=state.status,
                # Money attributes: the field's descriptor stores their minor units.
                **{"subtotal": state.subtotal, "tax": state.tax, "total": state.total},
                reserved_until=state.reserved_until,
                payment_id=state.payment_id,
                paid_at=state.paid_at,
                cancel_reason=state.cancel_reason or "",
                version=state.version,
                created_at=state.created_at,
                updated_at=state.created_at,
            )
        )
        history.lines.extend(
            rows.OrderLine(
                tenant_id=tenant.id,
                order_id=order.id,
                position=n,
                product_id=line.product_id,
                name=line.name,
                currency="USD",
                **{"unit_price": line.unit_price},
                quantity=line.quantity,
            )
            for n, line in enumerate(order.lines)
        )
        for event in order.pull_events():
            position += 1
            history.events.append(
                rows.OrderEvent(
                    tenant_id=tenant.id,
                    id=event.event_id,
                    order_id=order.id,
                    version=event.aggregate_version,
                    position=position,
                    type=event.type,
                    schema_version=event.schema_version,
                    occurred_at=event.occurred_at,
                    payload=event.payload(),
                )
            )
    return history


def _copy(model: type[Model], objects: Iterable[Model]) -> None:
    """Write ``objects`` into ``model``'s table with one COPY on the owner's connection."""
    connection = connections[OWNER]
    fields = [f for f in model._meta.concrete_fields if f not in _auto(model)]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for obj in objects:
            copy.write_row([_value(f, obj, connection) for f in fields])


def _auto(model: type[Model]) -> list[Any]:
    # Columns the database fills itself (BigAutoField ids).
    return [f for f in model._meta.concrete_fields if f.get_internal_type() == "BigAutoField"]


def _value(field: Any, obj: Model, connection: Any) -> Any:
    raw = getattr(obj, field.attname)
    if isinstance(field, JSONField):
        return json.dumps(raw)
    return field.get_db_prep_save(raw, connection)


def load(slug: str, events: int) -> tuple[TenantRef, History]:
    """Create the shop ``slug`` and COPY in a history of at least ``events`` order events."""
    created = tenancy.create_tenant(CreateTenant(slug=slug, name=f"Benchmark {slug}"))
    tenant = TenantRef(created.id, slug)
    history = generate(tenant, events)
    with transaction.atomic(using=OWNER):
        _copy(rows.Order, history.orders)
        _copy(rows.OrderLine, history.lines)
        _copy(rows.OrderEvent, history.events)
        head = rows.OrderStreamHead(tenant_id=tenant.id, position=len(history.events))
        _copy(rows.OrderStreamHead, [head])
    return tenant, history


def remove(slug: str) -> None:
    """Delete the shop ``slug`` and every row it owns (a previous run's too)."""
    row = Tenant.objects.using(OWNER).filter(slug=slug).values_list("id", flat=True).first()
    if row is None:
        return
    # Every table with a tenant key: the tenant-owned models, and the accounts.
    tables = [
        m._meta.db_table
        for m in apps.get_models()
        if not m._meta.proxy and any(f.attname == "tenant_id" for f in m._meta.concrete_fields)
    ]
    connection = connections[OWNER]
    # Audit entries change only under a named exception (ADR 0021): offboarding's.
    with maintenance("offboarding", OWNER), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE tenant_id = %s", [row])
    # Rows that others point at go last: retry what a foreign key refused until all are gone.
    for _ in range(len(tables)):
        left = []
        for table in tables:
            try:
                with transaction.atomic(using=OWNER), connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [row])
            except DatabaseError:
                left.append(table)
        if not (tables := left):
            break
    with connection.cursor() as cursor:
        for table in ("infrastructure_inboxmessage", "infrastructure_deliveryfailure"):
            cursor.execute(f"DELETE FROM {table} WHERE tenant = %s", [slug])
        # The tenant's events, and the platform's tenancy.tenant_created about it (no tenant).
        cursor.execute(
            "DELETE FROM infrastructure_outboxmessage WHERE tenant = %s OR aggregate_id = %s",
            [slug, str(row)],
        )
        cursor.execute(f"DELETE FROM {Tenant._meta.db_table} WHERE id = %s", [row])


def rows_of(entry: runner.Registered, generation: int) -> list[list[tuple[Any, ...]]]:
    """Return each table of a projection at ``generation``, less ids, in a stable order."""
    tables = []
    for model in _tables(entry.name):
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if f.attname not in ("id", "tenant_id", "generation")
        ]
        manager: Any = model._default_manager
        found = manager.filter(generation=generation).values_list(*names)
        tables.append(sorted(found, key=repr))
    return tables


def _tables(name: str) -> list[type[TenantOwnedModel]]:
    from emporium.analytics import models as views
    from emporium.analytics.adapters.dashboard_store import TABLES as dashboard_tables

    return {
        "sales": [views.OrderFact, views.RefundFact, views.DailySales],
        "customer-summary": [views.CustomerSummary, views.CustomerPaidTotal],
        "product-sales": [views.UnpaidOrderLines, views.ProductSales, views.WeeklyProductSales],
        "dashboard": list(dashboard_tables),
    }[name]


def equals_fresh_replay(tenant: TenantRef, entry: runner.Registered) -> bool:
    """Return whether the live rows equal a replay of the whole stream into a scratch generation."""
    with tenant_context(tenant):
        runner.catch_up(entry)
        runner.replay_into(entry, SCRATCH)
        try:
            with transaction.atomic():
                state = runner.position_of(entry.name)
                live = _live_generation(entry.name)
                same = rows_of(entry, live) == rows_of(entry, SCRATCH)
                return same and state == entry.source.head()
        finally:
            with transaction.atomic():
                entry.projection.drop(SCRATCH)


def _live_generation(name: str) -> int:
    from emporium.infrastructure.projections.models import ProjectionState

    found = ProjectionState.objects.filter(name=name).values_list("generation", flat=True)
    return int(found.first() or 1)


@dataclass
class Timed:
    """A rebuild's figures."""

    name: str
    events: int
    seconds: float
    placed_meanwhile: int = 0
    equal: bool | None = None

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def rebuild(tenant: TenantRef, entry: runner.Registered) -> Timed:
    """Rebuild one projection of ``tenant``; return how long it took."""
    start = time.perf_counter()
    with tenant_context(tenant):
        done = runner.rebuild(entry)
    return Timed(entry.name, done.events, time.perf_counter() - start)


class Orders(threading.Thread):
    """Places one-line orders through the real use case, back to back, until stopped."""

    def __init__(self, tenant: TenantRef, product: uuid.UUID) -> None:
        super().__init__(daemon=True)
        self.tenant, self.product = tenant, product
        self.stop = threading.Event()
        self.placed = 0
        self.errors: list[BaseException] = []

    def run(self) -> None:
        try:
            with tenant_context(self.tenant):
                with transaction.atomic():  # RLS sees the tenant inside a transaction
                    # A real account: the confirmation e-mail, run after each commit, needs one.
                    customer = User.objects.create_user(
                        f"buyer-{uuid.uuid4().hex[:8]}@bench.example",
                        None,
                        role=Role.CUSTOMER,
                        name="Buyer",
                    ).pk
                while not self.stop.is_set():
                    ordering.place_order(PlaceOrder(customer, [(self.product, 1)]))
                    self.placed += 1
        except BaseException as error:  # noqa: BLE001  (reported by the caller)
            self.errors.append(error)
        finally:
            connections.close_all()


def a_product(tenant: TenantRef, stock: int) -> uuid.UUID:
    """Create and publish a product of ``tenant`` with ``stock`` units."""
    with tenant_context(tenant):
        product = catalog.create_product(
            catalog_cases.CreateProduct(
                "Busy mug", "Sold now.", None, Money.of("3.00", "USD"), "USD"
            )
        )
        catalog.publish_product(catalog_cases.PublishProduct(product.id))
        count_stock(SetStock(product.id, stock))
    return product.id


def rebuild_beside_orders(tenant: TenantRef, entry: runner.Registered, product: uuid.UUID) -> Timed:
    """Rebuild while a thread places orders; then check the rows against a fresh replay.

    Without a broker, so that the live runner applies each order after its commit, in the
    ordering thread, while the rebuild replays: the two meet at the swap.
    """
    orders = Orders(tenant, product)
    with override_settings(CELERY_BROKER_URL=""):
        orders.start()
        try:
            timed = rebuild(tenant, entry)
        finally:
            orders.stop.set()
            orders.join(timeout=60)
    if orders.errors:
        raise orders.errors[0]
    timed.placed_meanwhile = orders.placed
    timed.equal = equals_fresh_replay(tenant, entry)
    return timed


def verify(tenant: TenantRef) -> tuple[Verification, float]:
    """Return ``verify_orders``' result for ``tenant`` and the seconds it took."""
    start = time.perf_counter()
    verified = ordering.verify_orders(tenant)
    return verified, time.perf_counter() - start


def plant_difference(tenant: TenantRef, history: History) -> uuid.UUID:
    """Change one order's stored status behind the stream's back; return the order's id."""
    order = next(o for o in history.orders if o.status == "fulfilled")
    with tenant_context(tenant), transaction.atomic():
        rows.Order.objects.filter(pk=order.id).update(status="paid")
    return order.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    arguments = parser.parse_args()
    if connections["default"].vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL and DATABASE_ADMIN_URL.")
    console = Console(width=120)  # the table's columns, unabridged, in a log too
    slug = "bench-es"
    remove(slug)
    start = time.perf_counter()
    tenant, history = load(slug, arguments.events)
    loaded = time.perf_counter() - start
    console.print(
        f"loaded {len(history.events):,} events of {len(history.orders):,} orders "
        f"({len(history.lines):,} lines) with COPY in {loaded:.1f} s"
    )
    entries = runner.projection_registry().all()  # by name
    try:
        idle = [rebuild(tenant, entry) for entry in entries]
        product = a_product(tenant, stock=1_000_000)
        busy = [rebuild_beside_orders(tenant, entry, product) for entry in entries]
        verified, seconds = verify(tenant)
        planted = plant_difference(tenant, history)
        found, _ = verify(tenant)
    finally:
        remove(slug)

    table = Table(title=f"{len(history.events):,} order events, {os.cpu_count()} cores")
    for column in (
        "projection",
        "idle: s",
        "events/s",
        "beside orders: s",
        "events/s",
        "orders placed meanwhile",
        "equals a fresh replay",
    ):
        table.add_column(column, justify="right")
    for quiet, loaded_run in zip(idle, busy, strict=True):
        table.add_row(
            quiet.name,
            f"{quiet.seconds:.1f}",
            f"{quiet.rate:,.0f}",
            f"{loaded_run.seconds:.1f}",
            f"{loaded_run.rate:,.0f}",
            str(loaded_run.placed_meanwhile),
            "yes" if loaded_run.equal else "NO",
        )
    console.print(table)
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    console.print(
        f"verify_orders: {verified.orders:,} orders in {seconds:.1f} s "
        f"({verified.orders / seconds:,.0f} orders/s), {len(verified.differences)} differ; "
        f"after planting one: {[str(d.order_id) for d in found.differences]} "
        f"(planted {planted}). PostgreSQL {version}."
    )
    if not all(run.equal for run in busy) or verified.differences or len(found.differences) != 1:
        sys.exit("a rebuild or a verification disagreed")


if __name__ == "__main__":
    main()
