"""Stream the orders export of a shop with N orders through the real view: rows/s and memory.

A shop (default 100,000 orders; ``--orders``) is loaded with SQL on the owner's connection, a
statement per table with ``generate_series``: its customers' accounts (some e-mails with a
comma and quotes, non-ASCII letters, or a formula's first character), the orders, spread evenly
over the 360 days before today, in the lives a shop sees (confirmed, cancelled, paid,
fulfilled, refunded in two parts, refunded in part), and the ``ordering.order_refunded`` events
the export reads refunds from. Then ``GET /api/v1/analytics/orders.csv`` through Django's test
client (the whole view, middleware and streaming included, in this process) for the whole
period (N orders) and for its last 36 days (about N/10):

1. timed: rows per second, and how far the process's resident memory (RSS, sampled at each
   chunk) rose above where it was when the download began;
2. under ``tracemalloc``: the peak of the Python allocations made while downloading.

Memory that is bounded is the same for N and N/10. Every run checks that it received one row
per order of its period. ``DEBUG`` is off while it measures, as in production.

    make bench-csv        # or: <PostgreSQL URLs> python benchmarks/orders_csv.py --orders N
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connections, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from rich.console import Console  # noqa: E402

from benchmarks.event_sourcing import remove  # noqa: E402
from benchmarks.streamed import Run, print_runs, rss_kib, traced_peak_kib  # noqa: E402
from emporium.analytics.adapters.order_export import CHUNK_ROWS  # noqa: E402
from emporium.identity.adapters.tokens import issue_token  # noqa: E402
from emporium.identity.domain.roles import Role  # noqa: E402
from emporium.identity.models import User  # noqa: E402
from emporium.multitenancy.context import TenantRef, tenant_context  # noqa: E402
from emporium.tenancy import bootstrap as tenancy  # noqa: E402
from emporium.tenancy.adapters.resolution import forget_tenant  # noqa: E402
from emporium.tenancy.application.use_cases import CreateTenant  # noqa: E402

OWNER = "admin"  # the owner's connection: BYPASSRLS, so the load writes any tenant's rows
SPAN_DAYS = 360
TENTH_DAYS = 36
URL = "/api/v1/analytics/orders.csv"

# Ids derived from the tenant and a number: the same on every run, distinct between shops.
_ID = "md5(%(tenant)s || ':{kind}:' || ({n}))::uuid"

ACCOUNTS = f"""
INSERT INTO identity_user
    (password, last_login, id, email, name, role, is_active, date_joined, tenant_id)
SELECT '!', NULL, {_ID.format(kind="c", n="g")},
    CASE
        WHEN mod(g, 97) = 0 THEN '"o''hara, ' || g || '"@bench.example'
        WHEN mod(g, 89) = 0 THEN 'zoë-' || g || '@bench.example'
        WHEN mod(g, 83) = 0 THEN '=1+' || g || '@bench.example'
        ELSE 'customer-' || g || '@bench.example'
    END,
    'Customer ' || g, 'customer', true, now(), %(tenant)s
FROM generate_series(1, %(customers)s) AS g
"""

# The life of order g by g mod 10: 0 confirmed, 1 cancelled, 2-6 paid, 7 paid and refunded a
# quarter, 8 fulfilled, 9 refunded in two halves. Subtotals 1.00 to 200.99, 8 % tax.
ORDERS = f"""
INSERT INTO ordering_order
    (id, customer_id, currency, tax_rate, status, subtotal_minor, tax_minor, total_minor,
     reserved_until, payment_id, paid_at, cancel_reason, version, created_at, updated_at,
     tenant_id, carrier, fulfilment_status, shipped_at, shipping_address, tracking_number)
SELECT {_ID.format(kind="o", n="g")}, {_ID.format(kind="c", n="1 + mod(g, %(customers)s)")}, 'USD',
    8.00,
    CASE mod(g, 10) WHEN 0 THEN 'confirmed' WHEN 1 THEN 'cancelled' WHEN 8 THEN 'fulfilled'
        WHEN 9 THEN 'refunded' ELSE 'paid' END,
    subtotal, subtotal * 8 / 100, subtotal + subtotal * 8 / 100,
    created + interval '15 minutes',
    CASE WHEN mod(g, 10) >= 2 THEN {_ID.format(kind="p", n="g")} END,
    CASE WHEN mod(g, 10) >= 2 THEN created + interval '3 minutes' END,
    CASE WHEN mod(g, 10) = 1 THEN 'customer' ELSE '' END,
    CASE mod(g, 10) WHEN 0 THEN 1 WHEN 1 THEN 2 WHEN 7 THEN 3 WHEN 8 THEN 3 WHEN 9 THEN 4
        ELSE 2 END,
    created, created, %(tenant)s, '', '', NULL, NULL, ''
FROM (
    SELECT g, 100 + mod(g * 37, 20000) AS subtotal,
        %(first)s::timestamptz + (g - 1) * %(step)s::interval AS created
    FROM generate_series(1, %(orders)s) AS g
) AS o
"""

REFUNDS = f"""
INSERT INTO ordering_orderevent
    (id, order_id, version, position, type, schema_version, occurred_at, payload, tenant_id)
SELECT gen_random_uuid(), {_ID.format(kind="o", n="g")}, version, row_number() OVER (),
    'ordering.order_refunded', 1, refunded_at,
    jsonb_build_object(
        'customer_id', ({_ID.format(kind="c", n="1 + mod(g, %(customers)s)")})::text,
        'payment_id', ({_ID.format(kind="p", n="g")})::text,
        'refund_id', gen_random_uuid()::text,
        'amount', jsonb_build_object('amount', (amount::numeric / 100)::numeric(20, 2)::text,
            'currency', 'USD'),
        'refunded_total', jsonb_build_object(
            'amount', (so_far::numeric / 100)::numeric(20, 2)::text, 'currency', 'USD'),
        'fully', so_far = total, 'restocked', false,
        'refunded_at', to_char(refunded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')),
    %(tenant)s
FROM (
    SELECT g, total, refund.*,
        %(first)s::timestamptz + (g - 1) * %(step)s::interval + refund.after AS refunded_at
    FROM (
        SELECT g, 100 + mod(g * 37, 20000) + (100 + mod(g * 37, 20000)) * 8 / 100 AS total
        FROM generate_series(1, %(orders)s) AS g WHERE mod(g, 10) IN (7, 9)
    ) AS o
    CROSS JOIN LATERAL (
        VALUES (3, CASE WHEN mod(g, 10) = 7 THEN total / 4 ELSE total / 2 END,
                CASE WHEN mod(g, 10) = 7 THEN total / 4 ELSE total / 2 END, interval '1 day'),
               (4, total - total / 2, total, interval '2 days')
    ) AS refund (version, amount, so_far, after)
    WHERE mod(g, 10) = 9 OR refund.version = 3
) AS r
"""


@dataclass
class Shop:
    """The loaded shop: who may export, and the days its orders fall on."""

    tenant: TenantRef
    token: str
    orders: int
    first_day: date
    last_day: date

    @property
    def host(self) -> str:
        return f"{self.tenant.slug}.localhost"


def load(slug: str, orders: int) -> Shop:
    """Create the shop ``slug`` with ``orders`` orders over the 360 days before today."""
    created = tenancy.create_tenant(CreateTenant(slug=slug, name=f"Benchmark {slug}"))
    tenant = TenantRef(created.id, slug)
    last_day = datetime.now(UTC).date() - timedelta(days=1)
    first_day = last_day - timedelta(days=SPAN_DAYS - 1)
    first = datetime.combine(first_day, clock(), tzinfo=UTC)
    values = {
        "tenant": str(tenant.id),
        "customers": max(100, orders // 50),
        "orders": orders,
        "first": first,
        "step": timedelta(days=SPAN_DAYS) / orders,
    }
    with transaction.atomic(using=OWNER), connections[OWNER].cursor() as cursor:
        for statement in (ACCOUNTS, ORDERS, REFUNDS):
            cursor.execute(statement, values)
        cursor.execute("ANALYZE identity_user, ordering_order, ordering_orderevent")
    with tenant_context(tenant), transaction.atomic():  # RLS sees the tenant inside one
        owner = User.objects.create_user(
            f"owner@{slug}.example", None, role=Role.OWNER, name="Owner"
        )
        token = issue_token(owner)[0]
    # A shop of this name removed by an earlier run may still be in the host lookup's cache
    # (``remove`` deletes rows behind its back).
    forget_tenant(slug)
    return Shop(tenant, token, orders, first_day, last_day)


def orders_between(shop: Shop, first: date, last: date) -> int:
    """Return how many of the shop's orders were created on the days ``first``..``last``."""
    start = datetime.combine(first, clock(), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), clock(), tzinfo=UTC)
    with connections[OWNER].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM ordering_order "
            "WHERE tenant_id = %s AND created_at >= %s AND created_at < %s",
            [str(shop.tenant.id), start, end],
        )
        return int(cursor.fetchone()[0])


def download(shop: Shop, first: date, last: date, each: Callable[[bytes], None]) -> None:
    """GET the export of ``first``..``last`` and hand each piece of the body to ``each``."""
    response = Client().get(
        f"{URL}?from={first}&to={last}",
        HTTP_HOST=shop.host,
        HTTP_AUTHORIZATION=f"Bearer {shop.token}",
    )
    if response.status_code != 200:
        raise RuntimeError(f"the export answered {response.status_code}: {response.content!r}")
    for piece in response.streaming_content:
        each(piece)


@dataclass
class Download(Run):
    """One download's figures, and the rows the shop holds for its period."""

    expected: int = 0


def measure(shop: Shop, name: str, first: date, last: date) -> Download:
    """Download the export of ``first``..``last`` twice: timed with RSS, then traced."""
    expected = orders_between(shop, first, last)
    counted = {"lines": 0, "bytes": 0, "rss": 0}

    def timed(piece: bytes) -> None:
        # No e-mail here holds a line break: every CRLF ends a row (the header's too).
        counted["lines"] += piece.count(b"\r\n")
        counted["bytes"] += len(piece)
        counted["rss"] = max(counted["rss"], rss_kib())

    gc.collect()
    counted["rss"] = before = rss_kib()
    start = time.perf_counter()
    download(shop, first, last, timed)
    seconds = time.perf_counter() - start
    run = Download(
        name,
        counted["lines"] - 1,
        seconds,
        counted["bytes"],
        counted["rss"] - before,
        expected=expected,
    )
    run.traced_peak_kib = traced_peak_kib(lambda: download(shop, first, last, lambda piece: None))
    return run


def benchmark(shop: Shop) -> list[Download]:
    """Warm up, then measure the last 36 days (about N/10 orders) and the whole 360 (N).

    With ``DEBUG`` off, as in production: with it on, Django keeps the SQL of every query.
    """
    with override_settings(DEBUG=False):
        download(shop, shop.last_day, shop.last_day, lambda piece: None)  # imports, first queries
        tenth = shop.last_day - timedelta(days=TENTH_DAYS - 1)
        return [
            measure(shop, "N/10", tenth, shop.last_day),
            measure(shop, "N", shop.first_day, shop.last_day),
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    arguments = parser.parse_args()
    if connections["default"].vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL and DATABASE_ADMIN_URL.")
    console = Console(width=120)
    slug = "bench-csv"
    remove(slug)
    start = time.perf_counter()
    shop = load(slug, arguments.orders)
    console.print(
        f"loaded {arguments.orders:,} orders ({shop.first_day} to {shop.last_day}) with SQL "
        f"in {time.perf_counter() - start:.1f} s"
    )
    try:
        runs = benchmark(shop)
    finally:
        remove(slug)

    print_runs(console, f"GET {URL}, {CHUNK_ROWS:,} rows a chunk", runs, name="period")
    wrong = [run for run in runs if run.rows != run.expected]
    if wrong:
        sys.exit(f"rows missing or extra: {[(r.name, r.rows, r.expected) for r in wrong]}")


if __name__ == "__main__":
    main()
