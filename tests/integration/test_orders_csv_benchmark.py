"""A small run of ``benchmarks/orders_csv.py``: what it loads is what the export streams.

The benchmark's figures come from 100,000 orders (``make bench-csv``); here 2,000 show that the
shop its SQL loads is read back through the view exactly, row for row: the lives of the orders,
their refunds, the customers' awkward e-mails, the order of the rows, and the runs' counts.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal
from types import ModuleType

import pytest

from emporium.analytics.domain.order_export import HEADER
from tests.benchmark_support import load_benchmark

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
]

ORDERS = 2_000
SLUG = "bench-csv-ci"


def benchmark() -> ModuleType:
    return load_benchmark("orders_csv")


def total_cents(g: int) -> int:
    """Return the total of order ``g`` as the benchmark's SQL makes it."""
    subtotal = 100 + (g * 37) % 20_000
    return subtotal + subtotal * 8 // 100


def test_a_small_shop_streams_one_exact_row_per_order() -> None:
    bench = benchmark()
    bench.remove(SLUG)
    shop = bench.load(SLUG, ORDERS)
    try:
        pieces: list[bytes] = []
        bench.download(shop, shop.first_day, shop.last_day, pieces.append)
        runs = bench.benchmark(shop)
    finally:
        bench.remove(SLUG)

    header, *rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"), newline="")))
    assert header == list(HEADER)
    assert len(rows) == len({row[0] for row in rows}) == ORDERS
    assert Counter(row[3] for row in rows) == {
        "confirmed": 200,
        "cancelled": 200,
        "paid": 1_200,  # a sixth of them refunded a quarter
        "fulfilled": 200,
        "refunded": 200,
    }
    # Refunded in two halves (the last event's running total is all of it), or a quarter.
    refunded = sum(Decimal(row[8]) for row in rows)
    expected = sum(total_cents(g) for g in range(9, ORDERS + 1, 10)) + sum(
        total_cents(g) // 4 for g in range(7, ORDERS + 1, 10)
    )
    assert refunded == Decimal(expected) / 100
    assert all(row[8] == row[7] for row in rows if row[3] == "refunded")
    assert {'"o\'hara, 97"@bench.example', "zoë-89@bench.example", "'=1+83@bench.example"} <= {
        row[2] for row in rows
    }
    assert [row[1] for row in rows] == sorted(row[1] for row in rows)
    assert [(run.name, run.rows) for run in runs] == [
        ("N/10", runs[0].expected),
        ("N", ORDERS),
    ]
    assert 150 <= runs[0].rows <= 250  # the last 36 of 360 days
