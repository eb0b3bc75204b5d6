"""Export every row of a shop with N orders to JSON Lines (``export_tenant``): rows/s and memory.

Two shops are loaded with SQL on the owner's connection (``generate_series``, as
``make bench-csv`` loads its shop): one with N orders (default 100,000; ``--orders``) and one
with N/10, each with its customers' accounts, the orders over 360 days in every life a shop
sees, their refund events and two lines per order. Each is then exported to a file with the
code ``manage.py export_tenant`` runs (one snapshot, server-side cursors, a line per row):

1. timed: rows per second, and how far the process's resident memory (RSS, sampled every
   1,000 rows) rose above where it was when the export began;
2. under ``tracemalloc``: the peak of the Python allocations made while exporting.

Memory that is bounded is the same for N and N/10. Every run checks that the file holds the
header and one line per row the header counts, and that it counts every order and line loaded.
``DEBUG`` is off while it measures, as in production.

    make bench-export-tenant    # or: <PostgreSQL URLs> python benchmarks/export_tenant.py
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connections, transaction  # noqa: E402
from django.test import override_settings  # noqa: E402
from rich.console import Console  # noqa: E402

from benchmarks.event_sourcing import remove  # noqa: E402
from benchmarks.orders_csv import OWNER  # noqa: E402
from benchmarks.orders_csv import load as load_orders  # noqa: E402
from benchmarks.streamed import Run, print_runs, rss_kib, traced_peak_kib  # noqa: E402
from emporium.composition.offboarding.export import CHUNK_SIZE, Exported, export_tenant  # noqa: E402
from emporium.multitenancy.context import TenantRef  # noqa: E402

#: Two lines per order: a mug and n teaspoons.
LINES = """
INSERT INTO ordering_orderline
    (position, product_id, name, currency, unit_price_minor, quantity, order_id, tenant_id)
SELECT line, md5(%(tenant)s || ':product:' || line)::uuid,
    CASE line WHEN 1 THEN 'Mug' ELSE 'Teaspoon' END, 'USD',
    CASE line WHEN 1 THEN 500 ELSE 150 END, 1 + mod(id_number, 3), o.id, o.tenant_id
FROM (
    SELECT id, tenant_id, row_number() OVER (ORDER BY created_at) AS id_number
    FROM ordering_order WHERE tenant_id = %(tenant)s
) AS o
CROSS JOIN generate_series(1, 2) AS line
"""
SAMPLE_EVERY = 1000


@dataclass
class Export(Run):
    """One export's figures, and the orders of its shop."""

    orders: int = 0


def load(slug: str, orders: int) -> TenantRef:
    """Create the shop ``slug`` with ``orders`` orders, their refunds and two lines each."""
    shop = load_orders(slug, orders)
    with transaction.atomic(using=OWNER), connections[OWNER].cursor() as cursor:
        cursor.execute(LINES, {"tenant": str(shop.tenant.id)})
        cursor.execute("ANALYZE ordering_orderline")
    return shop.tenant


def check(path: Path, exported: Exported, orders: int) -> None:
    """Fail unless the file holds the header and one line per row it counts."""
    with path.open(encoding="utf-8") as archive:
        header = json.loads(archive.readline())
        lines = sum(1 for _ in archive)
    tables = header["tables"]
    if tables != exported.tables or lines != exported.rows:
        raise RuntimeError(f"{path}: {lines} lines for {exported.rows} rows counted")
    if (tables["ordering.Order"], tables["ordering.OrderLine"]) != (orders, 2 * orders):
        raise RuntimeError(f"{path}: {tables['ordering.Order']} orders, not {orders}")


def measure(tenant: TenantRef, name: str, orders: int, folder: Path) -> Export:
    """Export ``tenant`` twice: timed with RSS, then traced."""
    path = folder / f"{tenant.slug}.jsonl"
    sampled = {"rss": 0}

    def sample(done: int, total: int) -> None:
        if done % SAMPLE_EVERY == 0:
            sampled["rss"] = max(sampled["rss"], rss_kib())

    gc.collect()
    sampled["rss"] = before = rss_kib()
    start = time.perf_counter()
    with path.open("w", encoding="utf-8") as out:
        exported = export_tenant(tenant, out, progress=sample)
    seconds = time.perf_counter() - start
    check(path, exported, orders)
    run = Export(
        name, exported.rows, seconds, path.stat().st_size, sampled["rss"] - before, orders=orders
    )

    def export_again() -> None:
        with path.open("w", encoding="utf-8") as out:
            export_tenant(tenant, out)

    run.traced_peak_kib = traced_peak_kib(export_again)
    path.unlink()
    return run


def benchmark(shops: list[tuple[str, TenantRef, int]]) -> list[Export]:
    """Warm up, then measure each shop's export, with ``DEBUG`` off as in production."""
    with override_settings(DEBUG=False), tempfile.TemporaryDirectory() as folder:
        _, smallest, orders = shops[0]
        measure(smallest, "warm-up", orders, Path(folder))  # imports, first queries
        return [measure(tenant, name, orders, Path(folder)) for name, tenant, orders in shops]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    arguments = parser.parse_args()
    if connections["default"].vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL and DATABASE_ADMIN_URL.")
    console = Console(width=120)
    sizes = [
        ("N/10", "bench-export-tenth", arguments.orders // 10),
        ("N", "bench-export", arguments.orders),
    ]
    for _, slug, _ in sizes:
        remove(slug)
    try:
        start = time.perf_counter()
        shops = [(name, load(slug, orders), orders) for name, slug, orders in sizes]
        console.print(
            f"loaded {arguments.orders:,} and {arguments.orders // 10:,} orders with SQL in "
            f"{time.perf_counter() - start:.1f} s"
        )
        runs = benchmark(shops)
    finally:
        for _, slug, _ in sizes:
            remove(slug)

    print_runs(
        console,
        f"export_tenant, {CHUNK_SIZE:,} rows a fetch",
        runs,
        first=[("orders", lambda run: f"{cast(Export, run).orders:,}")],
    )


if __name__ == "__main__":
    main()
