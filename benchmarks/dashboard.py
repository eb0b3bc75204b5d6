"""The dashboard API's latency for a shop with 1,000,000 orders beside 50 other shops.

Loads, with SQL (``generate_series``, on the owner's connection), what the dashboard reads for
each shop: the dashboard projection's rollups (quarter-hour sales buckets, order-value
histograms, status counts) and the product-sales projection's days, as its folds would have
written them for N orders spread over two years (default 1,000,000; ``--orders``), 200
products, 100,000 customers; the last 1,000 orders' events sit in the event store (the feed
reads the latest 10 by position). 50 other shops get ``--others`` orders each (default
20,000). Then it calls ``GET /api/v1/analytics/dashboard/`` through the whole Django stack
(test client, a staff token) for periods of 7, 30, 90 and 366 days and prints p50 and p95.

    make bench-dashboard        # or: <PostgreSQL URLs> python benchmarks/dashboard.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import track  # noqa: E402
from rich.table import Table  # noqa: E402

from benchmarks.event_sourcing import OWNER, remove  # noqa: E402
from emporium.analytics.adapters.dashboard_store import BUCKET_COLUMNS  # noqa: E402
from emporium.analytics.domain.dashboard import _BOUNDS  # noqa: E402
from emporium.identity.domain.roles import Role  # noqa: E402
from emporium.identity.models import User  # noqa: E402
from emporium.multitenancy.context import TenantRef, tenant_context  # noqa: E402
from emporium.tenancy import bootstrap as tenancy  # noqa: E402
from emporium.tenancy.application.use_cases import CreateTenant  # noqa: E402
from emporium.tenancy.models import Tenant  # noqa: E402

DAYS = 730
PRODUCTS = 200
CUSTOMERS = 100_000
FEED = 1_000
PASSWORD = "bench-dashboard-password-1"

# One row per order: when it was placed and paid, its fate, total, customer and product.
ORDERS = """
CREATE TEMP TABLE bench_orders ON COMMIT DROP AS
SELECT i,
       placed_at,
       CASE WHEN fate >= 0.08 THEN placed_at + interval '5 minutes' END AS paid_at,
       CASE WHEN fate < 0.03 THEN 'confirmed' WHEN fate < 0.08 THEN 'cancelled'
            WHEN fate < 0.10 THEN 'refunded' WHEN fate < 0.60 THEN 'fulfilled'
            ELSE 'paid' END AS status,
       500 + (i::bigint * 7919 %% 20000) AS total,
       md5(%(tenant)s || (i %% {customers})::text)::uuid AS customer,
       (i %% {products}) AS product,
       1 + (i %% 3) AS units
FROM (SELECT i,
             %(now)s::timestamptz - (i::float / %(orders)s) * interval '{days} days'
                 AS placed_at,
             ((i::bigint * 104729) %% 1000) / 1000.0 AS fate
      FROM generate_series(1, %(orders)s) AS i) AS o
"""


def into_buckets(moment: str, values: dict[str, str], source: str) -> str:
    """Return an INSERT adding ``values`` (SQL aggregates) to the buckets of ``moment``."""
    columns = ", ".join(BUCKET_COLUMNS)
    selected = ", ".join(values.get(column, "0") for column in BUCKET_COLUMNS)
    updates = ", ".join(f"{c} = b.{c} + EXCLUDED.{c}" for c in values)
    return (
        f"INSERT INTO analytics_salesbucket AS b (tenant_id, generation, start, currency, "
        f"{columns}) SELECT %(tenant)s, 1, date_bin('15 minutes', {moment}, '2000-01-01'), "
        f"'USD', {selected} {source} GROUP BY 3 "
        f"ON CONFLICT (tenant_id, generation, start, currency) DO UPDATE SET {updates}"
    )


STATUS_COUNTS = {
    status: f"count(*) FILTER (WHERE status = '{status}')"
    for status in ("confirmed", "paid", "fulfilled", "cancelled", "refunded")
}
# New customers at their first payment; returning ones once per later UTC day.
CUSTOMER_DAYS = """
    FROM (SELECT customer, min(paid_at) AS first_at,
                 rank() OVER (PARTITION BY customer ORDER BY min(paid_at)) AS nth
          FROM bench_orders WHERE paid_at IS NOT NULL
          GROUP BY customer, (paid_at AT TIME ZONE 'UTC')::date) AS days
"""

ROLLUPS = [
    # Paid orders and their money, by the quarter-hour of their payment.
    into_buckets(
        "paid_at",
        {"orders": "count(*)", "paid_minor": "sum(total)"},
        "FROM bench_orders WHERE paid_at IS NOT NULL",
    ),
    # Full refunds, a day after the payment.
    into_buckets(
        "paid_at + interval '1 day'",
        {"refunds_minor": "sum(total)"},
        "FROM bench_orders WHERE status = 'refunded'",
    ),
    # The statuses of the orders placed in each bucket.
    into_buckets("placed_at", STATUS_COUNTS, "FROM bench_orders"),
    into_buckets(
        "first_at",
        {
            "new_customers": "count(*) FILTER (WHERE nth = 1)",
            "returning_customers": "count(*) FILTER (WHERE nth > 1)",
        },
        CUSTOMER_DAYS,
    ),
    # Hours: the sums of their quarter-hours.
    """
    INSERT INTO analytics_saleshour (tenant_id, generation, start, currency, orders, paid_minor,
        refunds_minor, new_customers, returning_customers, confirmed, paid, fulfilled,
        cancelled, refunded)
    SELECT tenant_id, generation, date_trunc('hour', start), currency, sum(orders),
           sum(paid_minor), sum(refunds_minor), sum(new_customers), sum(returning_customers),
           sum(confirmed), sum(paid), sum(fulfilled), sum(cancelled), sum(refunded)
    FROM analytics_salesbucket WHERE tenant_id = %(tenant)s GROUP BY 1, 2, 3, 4
    """,
    # Order values per UTC day, in the projection's value buckets.
    """
    INSERT INTO analytics_ordervaluecount (tenant_id, generation, day, currency, bucket, orders)
    SELECT %(tenant)s, 1, (paid_at AT TIME ZONE 'UTC')::date, 'USD',
           (SELECT max(b) FROM bench_bounds WHERE low <= total), count(*)
    FROM bench_orders WHERE paid_at IS NOT NULL GROUP BY 3, 5
    """,
    """
    INSERT INTO analytics_weeklyordervaluecount (tenant_id, generation, week, currency, bucket,
        orders)
    SELECT tenant_id, generation, date_trunc('week', day)::date, currency, bucket, sum(orders)
    FROM analytics_ordervaluecount WHERE tenant_id = %(tenant)s GROUP BY 1, 2, 3, 4, 5
    """,
    """
    INSERT INTO analytics_orderstatuscount (tenant_id, generation, status, orders)
    SELECT %(tenant)s, 1, status, count(*) FROM bench_orders GROUP BY status
    """,
    # Product sales per UTC day of payment (line totals: 1.00 a unit per product number).
    """
    INSERT INTO analytics_productsales (tenant_id, generation, product_id, day, currency, name,
        units, revenue_minor)
    SELECT %(tenant)s, 1, md5(%(tenant)s || 'product' || product)::uuid,
           (paid_at AT TIME ZONE 'UTC')::date, 'USD', 'Product ' || product, sum(units),
           sum(units * (100 + product))
    FROM bench_orders WHERE paid_at IS NOT NULL GROUP BY product, 4
    """,
    """
    INSERT INTO analytics_weeklyproductsales (tenant_id, generation, product_id, week, currency,
        name, units, revenue_minor)
    SELECT tenant_id, generation, product_id, date_trunc('week', day)::date, currency, max(name),
           sum(units), sum(revenue_minor)
    FROM analytics_productsales WHERE tenant_id = %(tenant)s GROUP BY 1, 2, 3, 4, 5
    """,
    # The last orders' events, for the activity feed, and the positions that say "caught up".
    """
    INSERT INTO ordering_orderevent (tenant_id, id, order_id, version, position, type,
        schema_version, occurred_at, payload)
    SELECT %(tenant)s, md5(%(tenant)s || 'event' || i)::uuid,
           md5(%(tenant)s || 'order' || i)::uuid, 1, %(feed)s - i + 1, 'ordering.order_placed',
           3, placed_at,
           jsonb_build_object('total', jsonb_build_object(
               'amount', (total / 100.0)::numeric(12, 2)::text, 'currency', 'USD'))
    FROM bench_orders WHERE i <= %(feed)s
    """,
    """
    INSERT INTO ordering_orderstreamhead (tenant_id, position) VALUES (%(tenant)s, %(feed)s)
    """,
    """
    INSERT INTO infrastructure_projectionstate (tenant_id, name, position, generation,
        updated_at)
    SELECT %(tenant)s, name, %(feed)s, 1, now()
    FROM unnest(ARRAY['sales', 'customer-summary', 'product-sales', 'dashboard']) AS name
    """,
]


def load(slug: str, orders: int, today: date) -> TenantRef:
    """Create the shop ``slug`` and write its projections' rows for ``orders`` orders."""
    remove(slug)
    created = tenancy.create_tenant(CreateTenant(slug=slug, name=f"Benchmark {slug}"))
    tenant = TenantRef(created.id, slug)
    params = {
        "tenant": str(tenant.id),
        "orders": orders,
        "now": f"{today.isoformat()}T12:00:00Z",
        "feed": min(FEED, orders),
    }
    with transaction.atomic(using=OWNER), connections[OWNER].cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_bounds ON COMMIT DROP AS "
            "SELECT b - 1 AS b, low FROM unnest(%s::bigint[]) WITH ORDINALITY AS t(low, b)",
            [list(_BOUNDS[:-1])],
        )
        cursor.execute("CREATE INDEX ON bench_bounds (low)")
        cursor.execute(ORDERS.format(customers=CUSTOMERS, products=PRODUCTS, days=DAYS), params)
        for statement in ROLLUPS:
            cursor.execute(statement, params)
        cursor.execute("ANALYZE")
    return tenant


def staff_token(tenant: TenantRef) -> str:
    """Create an owner of ``tenant`` (unless there is one) and return a token of theirs."""
    email = f"owner@{tenant.slug}.example"
    with tenant_context(tenant), transaction.atomic():
        if not User.objects.filter(email=email).exists():
            User.objects.create_user(email, PASSWORD, role=Role.OWNER, name="Owner")
    response = Client().post(
        "/api/v1/auth/token/",
        {"email": email, "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST=f"{tenant.slug}.localhost",
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def timed(tenant: TenantRef, token: str, start: date, end: date, calls: int) -> list[float]:
    """Return the milliseconds of ``calls`` dashboard requests for ``start``..``end``."""
    client = Client()
    url = f"/api/v1/analytics/dashboard/?from={start}&to={end}"
    headers = {"HTTP_HOST": f"{tenant.slug}.localhost", "HTTP_AUTHORIZATION": f"Bearer {token}"}
    took = []
    for n in range(calls + 5):
        began = time.perf_counter()
        response = client.get(url, **headers)
        elapsed = (time.perf_counter() - began) * 1000
        assert response.status_code == 200, response.content
        if n >= 5:  # the first calls warm caches and connections
            took.append(elapsed)
    return took


def percentile(values: list[float], fraction: float) -> float:
    """Return the nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--others", type=int, default=20_000)
    parser.add_argument("--shops", type=int, default=50)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument(
        "--keep", action="store_true", help="time the shops a previous run loaded, if there"
    )
    args = parser.parse_args()
    if connections["default"].vendor != "postgresql":
        sys.exit("bench-dashboard needs PostgreSQL (DATABASE_URL).")
    console = Console()
    today = date.today()
    began = time.perf_counter()
    kept = Tenant.objects.using(OWNER).filter(slug="bench-big").first() if args.keep else None
    if kept is not None:
        big = TenantRef(kept.id, kept.slug)
        console.print("timing the shops of a previous run (--keep)")
    else:
        big = load("bench-big", args.orders, today)
        for n in track(range(args.shops), description="other shops", console=console):
            load(f"bench-other-{n}", args.others, today)
        console.print(
            f"loaded {args.orders:,} orders in one shop and {args.shops} x {args.others:,} in "
            f"others in {time.perf_counter() - began:.1f} s"
        )
    token = staff_token(big)
    table = Table(title=f"GET /api/v1/analytics/dashboard/ ({args.orders:,} orders, ms)")
    for column in ("period", "calls", "p50", "p95", "max"):
        table.add_column(column, justify="right")
    for days in (7, 30, 90, 366):
        took = timed(big, token, today - timedelta(days=days - 1), today, args.calls)
        table.add_row(
            f"{days} days",
            str(len(took)),
            f"{statistics.median(took):.1f}",
            f"{percentile(took, 0.95):.1f}",
            f"{max(took):.1f}",
        )
    console.print(table)


if __name__ == "__main__":
    main()
