"""No oversell, ever: many concurrent buyers of the last units, on real PostgreSQL.

1,000 attempts to buy one unit each of a product with 10 in stock, from 32 threads through the
HTTP API, and again from 4 processes started together: exactly 10 succeed, the rest get 409,
and no deadlock or other error surfaces.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import Client

from emporium.identity.adapters.tokens import issue_token
from emporium.infrastructure.db.provisioning import PgTarget
from emporium.inventory.models import StockItem
from emporium.multitenancy.context import tenant_context
from emporium.ordering.models import Order
from tests.e2e.ordering.conftest import make_product

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[3]
ATTEMPTS, THREADS, PROCESSES, STOCK = 1_000, 32, 4, 10


def final_state(tenant, product_id) -> tuple[int, int, int]:
    with tenant_context(tenant), transaction.atomic():
        row = StockItem.objects.get(product_id=product_id)
        return row.on_hand, row.reserved, Order.objects.count()


@pytest.fixture
def patient_pool():
    """Let the 32 threads wait up to a minute for one of the pool's 10 connections.

    The test is about stock, not pool sizing: on a loaded 2-core machine a thread can wait out
    the production timeout (10 s), which the API answers with 503, not an oversell.
    """
    pool = connections["default"].pool
    if pool is None:
        yield
        return
    production_timeout, pool.timeout = pool.timeout, 60.0
    try:
        yield
    finally:
        pool.timeout = production_timeout


def test_thirty_two_threads_through_the_api(acme_and_globex, make_account, patient_pool) -> None:
    acme, _ = acme_and_globex
    customer = make_account(acme, "buyer@acme.example", "customer")
    with tenant_context(acme), transaction.atomic():
        token = issue_token(customer)[0]
    product = make_product(acme, "Last mugs", "9.00", stock=STOCK)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)

    def buyer(n: int) -> None:
        client = Client(HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {token}")
        body = {"items": [{"product_id": str(product), "quantity": 1}]}
        barrier.wait()
        try:
            for _ in range(n):
                status = client.post("/api/v1/orders/", body, content_type="application/json")
                with lock:
                    statuses[status.status_code] += 1
        finally:
            connections.close_all()

    shares = [ATTEMPTS // THREADS + (i < ATTEMPTS % THREADS) for i in range(THREADS)]
    threads = [threading.Thread(target=buyer, args=(n,)) for n in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == {201: STOCK, 409: ATTEMPTS - STOCK}
    assert final_state(acme, product) == (STOCK, STOCK, STOCK)


def test_four_processes_started_together(acme_and_globex, make_account) -> None:
    acme, _ = acme_and_globex
    customer = make_account(acme, "buyer@acme.example", "customer")
    product = make_product(acme, "Last pans", "9.00", stock=STOCK)
    database = settings.DATABASES["default"]["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": PgTarget.parse(settings.DATABASE_URL).with_database(database).url,
        "DATABASE_ADMIN_URL": PgTarget.parse(settings.DATABASE_ADMIN_URL)
        .with_database(database)
        .url,
    }
    start_at = time.time() + 3  # time for every process to set Django up first
    processes = [
        subprocess.Popen(
            [
                sys.executable, "-m", "tests.integration.ordering.buyer",
                str(acme.id), acme.slug, str(customer.pk), str(product),
                str(ATTEMPTS // PROCESSES), str(start_at),
            ],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for _ in range(PROCESSES)
    ]  # fmt: skip
    results = [process.communicate(timeout=300) for process in processes]

    assert [process.returncode for process in processes] == [0] * PROCESSES, results
    # Each buyer's count is its last line, "ok conflict".
    counts = [out.splitlines()[-1].split() for out, _ in results]
    ok = sum(int(count[0]) for count in counts)
    conflicts = sum(int(count[1]) for count in counts)
    assert (ok, conflicts) == (STOCK, ATTEMPTS - STOCK)
    assert not any("deadlock" in err.lower() for _, err in results)
    assert final_state(acme, product) == (STOCK, STOCK, STOCK)
