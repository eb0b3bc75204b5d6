"""A small run of ``benchmarks/dashboard.py``: the rollups its SQL loads answer as its orders.

The benchmark's figures come from 1,000,000 orders (``make bench-dashboard``); here 2,000 show
that the shop it loads is read back through the API with the figures of the orders its SQL
describes, counted here in Python from the same formulas.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import ModuleType

import pytest
from django.test import Client

from tests.benchmark_support import load_benchmark

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
]

ORDERS = 2_000
SLUG = "bench-dashboard-ci"


def benchmark() -> ModuleType:
    return load_benchmark("dashboard")


def fate(i: int) -> float:
    return (i * 104729 % 1000) / 1000


def test_a_small_shop_answers_the_figures_of_its_orders() -> None:
    bench = benchmark()
    today = date.today()
    shop = bench.load(SLUG, ORDERS, today)
    try:
        token = bench.staff_token(shop)
        start = today - timedelta(days=365)
        response = Client().get(
            f"/api/v1/analytics/dashboard/?from={start}&to={today}",
            HTTP_HOST=f"{SLUG}.localhost",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        took = bench.timed(shop, token, today - timedelta(days=6), today, 2)
    finally:
        bench.remove(SLUG)

    assert response.status_code == 200, response.content
    body = response.json()
    now = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=12)
    first = datetime.combine(start, datetime.min.time(), UTC)
    placed = {i: now - (i / ORDERS) * timedelta(days=bench.DAYS) for i in range(1, ORDERS + 1)}
    paid = [i for i in placed if fate(i) >= 0.08 and placed[i] + timedelta(minutes=5) >= first]
    assert body["orders"] == len(paid)
    assert sum(body["status_breakdown"].values()) == sum(1 for p in placed.values() if p >= first)
    assert body["todo"]["unpaid"] == sum(1 for i in placed if fate(i) < 0.03)
    assert body["todo"]["to_fulfil"] == sum(1 for i in placed if fate(i) >= 0.60)
    assert len(body["activity"]) == 10
    assert len(took) == 2
