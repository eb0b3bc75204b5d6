"""Under concurrent requests over pooled connections, no tenant ever sees another's rows.

Four threads, each with its own test ``Client``, send 1,000 requests in all to a view that reads
the probe items through the ORM and through raw SQL and reports the RLS setting. Requests
alternate between acme (by host) and globex (by ``X-Tenant`` header and by host). After each
request the thread checks, outside any transaction, that its connection carries no tenant, then
hands the connection back to the pool, so the next request may get one another thread used for
the other tenant.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections, transaction
from django.test import Client

from emporium.multitenancy.context import TenantRef, tenant_context
from tests.testapps.tenant_probe.models import Item, Shelf

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
    pytest.mark.urls("tests.testapps.tenant_probe.urls"),
]

THREADS = 4
REQUESTS = 1_000
STOCK = {"acme": ["ball", "hammer", "saw"], "globex": ["ball", "drill", "hammer", "kite"]}
# (tenant slug, extra request headers): acme by host, globex by header and by host.
VARIANTS = [
    ("acme", {"HTTP_HOST": "acme.localhost"}),
    ("globex", {"HTTP_HOST": "localhost", "HTTP_X_TENANT": "globex"}),
    ("acme", {"HTTP_HOST": "acme.localhost:8000"}),
    ("globex", {"HTTP_HOST": "globex.localhost"}),
]


@pytest.fixture
def stocked(acme_and_globex: tuple[TenantRef, TenantRef]) -> dict[str, TenantRef]:
    tenants = dict(zip(("acme", "globex"), acme_and_globex, strict=True))
    for slug, names in STOCK.items():
        with tenant_context(tenants[slug]), transaction.atomic():
            shelf = Shelf.objects.create(name="main")
            Item.objects.bulk_create([Item(shelf=shelf, name=name) for name in names])
    return tenants


def test_concurrent_requests_see_only_their_tenants_rows(stocked: dict[str, TenantRef]) -> None:
    database = settings.DATABASES["default"]
    pool = database["OPTIONS"]["pool"]
    # One pooled connection per thread plus the one the test itself holds.
    assert isinstance(pool, dict)
    assert pool["max_size"] >= THREADS + 1
    assert (database["CONN_MAX_AGE"], database["ATOMIC_REQUESTS"]) == (0, True)
    assert connections["default"].pool is not None
    assert sorted(Item.cross_tenant.values_list("tenant__slug", "name")) == sorted(
        (slug, name) for slug, names in STOCK.items() for name in names
    )
    expected = {
        slug: {"orm": names, "raw": names, "setting": str(stocked[slug].id)}
        for slug, names in STOCK.items()
    }
    per_thread = REQUESTS // THREADS
    start = threading.Barrier(THREADS)
    problems: list[tuple[Any, ...]] = []
    checked: list[int] = []
    backends: set[int] = set()
    lock = threading.Lock()

    def work(number: int) -> None:
        client = Client()
        done = 0
        seen: set[int] = set()
        try:
            start.wait(timeout=30)
            for i in range(per_thread):
                slug, headers = VARIANTS[(i + number) % len(VARIANTS)]
                response = client.get("/probe/items/", **headers)
                body = response.json() if response.status_code == 200 else response.content
                if response.status_code != 200 or body != expected[slug]:
                    problems.append((number, i, slug, response.status_code, body))
                # Outside any transaction, on the connection the request used.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT current_setting('app.tenant_id', true), pg_backend_pid()"
                    )
                    setting, pid = cursor.fetchone()
                seen.add(pid)
                if setting not in ("", None) or not connection.get_autocommit():
                    problems.append((number, i, slug, "left behind", setting))
                # Back to the pool: the next request may get another thread's connection.
                connection.close()
                done += 1
        except Exception as exc:  # noqa: BLE001  (reported below, with the thread's number)
            problems.append((number, done, "exception", repr(exc)))
        finally:
            connections.close_all()
            with lock:
                checked.append(done)
                backends.update(seen)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert [thread.is_alive() for thread in threads] == [False] * THREADS
    assert (len(problems), problems[:5]) == (0, [])
    assert checked == [per_thread] * THREADS
    assert sum(checked) == REQUESTS
    # Every request ran on one of the pool's connections.
    assert 1 <= len(backends) <= pool["max_size"]
