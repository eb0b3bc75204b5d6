"""A small run of ``benchmarks/export_tenant.py``: every row loaded is exported, memory bounded.

The benchmark's figures come from 100,000 orders (``make bench-export-tenant``); here 2,000 and
200 show that the file holds a line for every row the shop has, and, with fetches of 100 rows
so that both shops span many, that the traced peak does not grow with ten times the rows.
"""

from __future__ import annotations

from types import ModuleType

import pytest

from emporium.composition.offboarding import export
from tests.benchmark_support import load_benchmark

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
]

ORDERS = 2_000
SLUGS = ("bench-export-ci-tenth", "bench-export-ci")


def benchmark() -> ModuleType:
    return load_benchmark("export_tenant")


def rows_of(orders: int) -> int:
    """Return the rows of a loaded shop: its own, accounts, orders, lines, refund events."""
    refunded_once, refunded_twice = orders // 10, orders // 10  # g mod 10 = 7, and 9
    customers = max(100, orders // 50)
    own = 4  # the tenant, its settings, its tenancy.tenant_created, the owner's token
    return own + customers + 1 + orders + 2 * orders + refunded_once + 2 * refunded_twice


def test_a_small_export_writes_every_row_with_bounded_memory(monkeypatch) -> None:
    monkeypatch.setattr(export, "CHUNK_SIZE", 100)
    bench = benchmark()
    for slug in SLUGS:
        bench.remove(slug)
    try:
        shops = [
            ("N/10", bench.load(SLUGS[0], ORDERS // 10), ORDERS // 10),
            ("N", bench.load(SLUGS[1], ORDERS), ORDERS),
        ]
        runs = bench.benchmark(shops)
    finally:
        for slug in SLUGS:
            bench.remove(slug)

    assert [(run.name, run.orders, run.rows) for run in runs] == [
        ("N/10", 200, rows_of(200)),
        ("N", 2_000, rows_of(2_000)),
    ]
    tenth, whole = runs
    assert whole.traced_peak_kib < 2 * tenth.traced_peak_kib, (tenth, whole)
