"""Two shops with a history, made through the HTTP API at past moments, and the independent SQL
that says what their dashboards must show.

acme (time zone Europe/Berlin) sells in USD at 8 % tax: a teapot (24.00), a mug (3.50) and a
kettle that is published with no stock. Its orders, days before today, each at 12:00 UTC (13:00
in Berlin, far from any day's edge): 40 days ago bob pays a teapot (the previous period); 10
days ago ann pays two teapots, fulfilled the next day; 7 days ago ann's three mugs are
cancelled; 5 days ago bob leaves a mug unpaid; 3 days ago bob pays a teapot and two mugs and ann
a mug; 2 days ago 5.00 of bob's order is refunded. globex (UTC) sells one anvil (99.00) to gina
4 days ago.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import time_machine
from django.db import connection, transaction
from django.test import Client

from emporium.identity.adapters.tokens import issue_token
from emporium.identity.domain.roles import Role
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.shared_kernel.money import Money
from tests.e2e.ordering.conftest import make_product

PASSWORD = "a-long-owner-password"
CARD = {
    "method": "card",
    "card_number": "4242424242424242",
    "exp_month": 12,
    "exp_year": 2031,
    "cvc": "123",
}
BERLIN = "Europe/Berlin"


def usd(minor: int) -> str:
    """Return minor units of USD as the page writes them: "84.10 USD"."""
    return f"{Money(minor, 'USD')} USD"


@dataclass
class History:
    """A shop's accounts, products and orders, and how to call its API."""

    tenant: TenantRef
    time_zone: str
    tokens: dict[str, str] = field(default_factory=dict)
    products: dict[str, Any] = field(default_factory=dict)
    orders: dict[str, str] = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"{self.tenant.slug}.localhost"

    @property
    def owner(self) -> str:
        return f"owner@{self.tenant.slug}.example"

    def today(self) -> date:
        return datetime.now(ZoneInfo(self.time_zone)).date()

    def call(self, method: str, url: str, who: str, body: Any = None) -> Any:
        response = getattr(Client(), method)(
            url,
            body,
            content_type="application/json",
            HTTP_HOST=self.host,
            HTTP_AUTHORIZATION=f"Bearer {self.tokens[who]}",
        )
        assert response.status_code in (200, 201), (url, response.status_code, response.content)
        return response.json()

    def at(self, days_ago: int, minutes: int = 0) -> time_machine.travel:
        """Return a clock stopped at 12:00 UTC ``days_ago`` days before today, plus minutes."""
        moment = datetime.combine(self.today() - timedelta(days=days_ago), time(12), UTC)
        return time_machine.travel(moment + timedelta(minutes=minutes), tick=False)

    def place(self, name: str, who: str, days_ago: int, *items: tuple[str, int]) -> str:
        body = {"items": [{"product_id": str(self.products[p]), "quantity": q} for p, q in items]}
        with self.at(days_ago):
            self.orders[name] = self.call("post", "/api/v1/orders/", who, body)["id"]
        return self.orders[name]

    def pay(self, name: str, who: str, days_ago: int) -> str:
        with self.at(days_ago, minutes=5):
            payment = self.call("post", f"/api/v1/orders/{self.orders[name]}/payments/", who, CARD)
        return str(payment["id"])


def open_shop(
    tenant: TenantRef,
    time_zone: str,
    make_account: Callable[..., Any],
    customers: list[str],
    products: list[tuple[str, str, int]],
) -> History:
    """Give ``tenant`` its owner and customers (with tokens), its time zone and its products."""
    history = History(tenant, time_zone)
    accounts = [(history.owner, "owner", Role.OWNER)]
    accounts += [(f"{who}@{tenant.slug}.example", who, Role.CUSTOMER) for who in customers]
    for email, who, role in accounts:
        user = make_account(tenant, email, role, password=PASSWORD)
        with tenant_context(tenant), transaction.atomic():
            history.tokens[who] = issue_token(user)[0]
    history.call("patch", "/api/v1/settings/", "owner", {"time_zone": time_zone})
    for name, price, stock in products:
        history.products[name] = make_product(tenant, name, price, stock=stock)
    return history


def acme_history(tenant: TenantRef, make_account: Callable[..., Any]) -> History:
    """Make acme's history (see the module's docstring), in the order it happened."""
    shop = open_shop(
        tenant,
        BERLIN,
        make_account,
        ["ann", "bob"],
        [("Acme teapot", "24.00", 10), ("Acme mug", "3.50", 20), ("Acme kettle", "60.00", 0)],
    )
    shop.place("earlier", "bob", 40, ("Acme teapot", 1))
    shop.pay("earlier", "bob", 40)
    shop.place("teapots", "ann", 10, ("Acme teapot", 2))
    shop.pay("teapots", "ann", 10)
    with shop.at(9):
        shop.call("post", f"/api/v1/orders/{shop.orders['teapots']}/fulfil/", "owner")
    shop.place("dropped", "ann", 7, ("Acme mug", 3))
    with shop.at(7, minutes=30):
        shop.call("post", f"/api/v1/orders/{shop.orders['dropped']}/cancel/", "owner")
    shop.place("unpaid", "bob", 5, ("Acme mug", 1))
    shop.place("mixed", "bob", 3, ("Acme teapot", 1), ("Acme mug", 2))
    payment = shop.pay("mixed", "bob", 3)
    shop.place("one mug", "ann", 3, ("Acme mug", 1))
    shop.pay("one mug", "ann", 3)
    with shop.at(2):
        refund = {"amount": {"amount": "5.00", "currency": "USD"}, "restock": False}
        shop.call("post", f"/api/v1/payments/{payment}/refunds/", "owner", refund)
    return shop


def globex_history(tenant: TenantRef, make_account: Callable[..., Any]) -> History:
    shop = open_shop(tenant, "UTC", make_account, ["gina"], [("Globex anvil", "99.00", 3)])
    shop.place("anvil", "gina", 4, ("Globex anvil", 1))
    shop.pay("anvil", "gina", 4)
    return shop


# --- what the dashboard must show, by SQL of its own on the ordering and payments tables ------


@dataclass(frozen=True)
class Period:
    """Local days ``start``..``end`` of a shop, as the UTC instants [first, after)."""

    start: date
    end: date
    time_zone: str

    @classmethod
    def parse(cls, text: str, time_zone: str) -> Period:
        """Read "2026-11-04 to 2026-12-03" as the page writes it."""
        start, end = text.split(" to ")
        return cls(date.fromisoformat(start), date.fromisoformat(end), time_zone)

    def days(self) -> list[date]:
        """Return every day of the period, the first first."""
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def bounds(self) -> tuple[datetime, datetime]:
        """Return the UTC instants of the first local midnight and of the one after the end."""
        zone = ZoneInfo(self.time_zone)
        first = datetime.combine(self.start, time(), zone).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(UTC)
        return first, after

    def params(self) -> list[Any]:
        """Return ``bounds()`` as query parameters of this database."""
        return [connection.ops.adapt_datetimefield_value(b) for b in self.bounds()]

    def previous(self) -> Period:
        length = self.end - self.start + timedelta(days=1)
        return Period(self.start - length, self.end - length, self.time_zone)


def _rows(tenant: TenantRef, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    # Inside the tenant and a transaction, as the application reads (Row-Level Security on
    # PostgreSQL); every statement names the tenant as well.
    tenant_id = str(tenant.id).replace("-", "") if connection.vendor == "sqlite" else tenant.id
    with tenant_context(tenant), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [str(tenant_id), *params])
        return list(cursor.fetchall())


def _instant(value: Any) -> datetime:
    """Return a timestamp column's value (SQLite gives text) as an aware UTC datetime."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True)
class Expected:
    """A period's figures as computed here, in minor units of USD."""

    paid: int
    refunds: int
    orders: int
    totals: list[int]
    statuses: dict[str, int]
    new: int
    returning: int

    @property
    def net(self) -> int:
        return self.paid - self.refunds

    @property
    def average(self) -> int:
        return int((Decimal(self.paid) / self.orders).quantize(Decimal(1), ROUND_HALF_EVEN))

    @property
    def median(self) -> Decimal:
        return Decimal(statistics.median(self.totals))


def expected(tenant: TenantRef, period: Period) -> Expected:
    """Return what the dashboard must show for ``period``: orders paid in it (their totals, tax
    included), refunds made in it, the statuses now of the orders placed in it, and customers
    paying in it for the first time (new) or again on another UTC day (returning)."""
    first, after = period.params()
    totals = [
        total
        for (total,) in _rows(
            tenant,
            "SELECT total_minor FROM ordering_order WHERE tenant_id = %s"
            " AND paid_at >= %s AND paid_at < %s ORDER BY total_minor",
            [first, after],
        )
    ]
    [(refunds,)] = _rows(
        tenant,
        "SELECT COALESCE(SUM(amount_minor), 0) FROM payments_refund WHERE tenant_id = %s"
        " AND created_at >= %s AND created_at < %s",
        [first, after],
    )
    statuses = dict.fromkeys(("confirmed", "paid", "fulfilled", "cancelled", "refunded"), 0)
    for status, count in _rows(
        tenant,
        "SELECT status, COUNT(*) FROM ordering_order WHERE tenant_id = %s"
        " AND created_at >= %s AND created_at < %s GROUP BY status",
        [first, after],
    ):
        statuses[status] = count
    payments = _rows(
        tenant,
        "SELECT customer_id, paid_at FROM ordering_order WHERE tenant_id = %s"
        " AND paid_at IS NOT NULL ORDER BY paid_at",
        [],
    )
    return Expected(
        paid=sum(totals),
        refunds=int(refunds),
        orders=len(totals),
        totals=totals,
        statuses=statuses,
        **_customers(payments, period),
    )


def _customers(payments: list[tuple[Any, Any]], period: Period) -> dict[str, int]:
    """Count customers whose first payment ever is in ``period`` (new), and the other UTC days
    on which customers paid in it (returning: once per customer and day)."""
    first, after = period.bounds()
    first_day: dict[Any, date] = {}
    new, returning = set(), set()
    for customer, paid_at in payments:  # oldest first
        moment = _instant(paid_at)
        day = moment.date()
        is_first = customer not in first_day
        first_day.setdefault(customer, day)
        if not first <= moment < after:
            continue
        if is_first:
            new.add(customer)
        elif day != first_day[customer]:
            returning.add((customer, day))
    return {"new": len(new), "returning": len(returning)}


def daily_net(tenant: TenantRef, period: Period) -> dict[date, int]:
    """Return each local day's paid totals less its refunds, every day of ``period``."""
    zone = ZoneInfo(period.time_zone)
    days = dict.fromkeys(period.days(), 0)
    moves = _rows(
        tenant,
        "SELECT paid_at, total_minor FROM ordering_order WHERE tenant_id = %s"
        " AND paid_at >= %s AND paid_at < %s",
        period.params(),
    ) + [
        (made_at, -amount)
        for made_at, amount in _rows(
            tenant,
            "SELECT created_at, amount_minor FROM payments_refund WHERE tenant_id = %s"
            " AND created_at >= %s AND created_at < %s",
            period.params(),
        )
    ]
    for moment, minor in moves:
        days[_instant(moment).astimezone(zone).date()] += minor
    return days


def top_products(tenant: TenantRef, period: Period) -> list[tuple[str, int, int]]:
    """Return (name, units, revenue before tax) of the products of the orders paid in
    ``period``, best revenue first, five at most."""
    return [
        (name, int(units), int(revenue))
        for name, units, revenue in _rows(
            tenant,
            "SELECT line.name, SUM(line.quantity), SUM(line.quantity * line.unit_price_minor)"
            " AS revenue FROM ordering_orderline line JOIN ordering_order o ON o.id = line.order_id"
            " WHERE o.tenant_id = %s AND o.paid_at >= %s AND o.paid_at < %s"
            " GROUP BY line.product_id, line.name ORDER BY revenue DESC, line.name LIMIT 5",
            period.params(),
        )
    ]


def todo(tenant: TenantRef) -> dict[str, int]:
    """Return the to-do counters: orders unpaid, orders paid and not fulfilled, and published
    products with nothing available."""
    [(unpaid, to_fulfil)] = _rows(
        tenant,
        "SELECT SUM(CASE WHEN status = 'confirmed' THEN 1 ELSE 0 END),"
        " SUM(CASE WHEN status = 'paid' THEN 1 ELSE 0 END)"
        " FROM ordering_order WHERE tenant_id = %s",
        [],
    )
    [(out_of_stock,)] = _rows(
        tenant,
        "SELECT COUNT(*) FROM catalog_product p WHERE p.tenant_id = %s AND p.status = 'published'"
        " AND NOT EXISTS (SELECT 1 FROM inventory_stockitem s WHERE s.tenant_id = p.tenant_id"
        " AND s.product_id = p.id AND s.on_hand > s.reserved)",
        [],
    )
    return {"unpaid": int(unpaid), "to_fulfil": int(to_fulfil), "out_of_stock": int(out_of_stock)}


def activity(tenant: TenantRef, limit: int = 10) -> list[tuple[str, str]]:
    """Return (what, order id) of the latest placed, paid, refunded and cancelled events."""
    names = {
        "ordering.order_placed": "placed",
        "ordering.order_paid": "paid",
        "ordering.order_refunded": "refunded",
        "ordering.order_cancelled": "cancelled",
    }
    found = _rows(
        tenant,
        "SELECT type, order_id FROM ordering_orderevent WHERE tenant_id = %s"
        " AND type IN (%s, %s, %s, %s) ORDER BY position DESC LIMIT %s",
        [*names, limit],
    )
    return [(names[kind], str(UUID(str(order_id)))) for kind, order_id in found]
