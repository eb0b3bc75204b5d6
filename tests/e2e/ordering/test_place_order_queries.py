"""One place-order request makes a fixed number of SQL queries, whatever its number of lines."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.e2e.ordering.conftest import make_product

pytestmark = pytest.mark.django_db

# The token with its account, the shop's
# currency and tax rate, the prices, the reservation (lock, one bulk update, ledger,
# reservations, outbox), the order with its lines, the tenant's event position (one upsert that
# orders the appends), its events and outbox row, the response's read,
# and the savepoints of the nested transactions (the test's own transaction makes the request's
# one a savepoint too). PostgreSQL's transaction-local tenant setting runs on a cursor of its
# own and is not counted. Pinned: a change here must be a decision. For scale: django-oscar
# needs 79 queries per order, Saleor's checkoutComplete 141 to 230.
QUERIES_PER_ORDER = 21


def queries_for(shop, lines: int) -> list[str]:
    names = [f"Thing {lines}-{n}" for n in range(lines)]
    for name in names:
        shop.products[name] = make_product(shop.acme, name, "2.00", stock=5)
    with CaptureQueriesContext(connection) as captured:
        response = shop.order("ann", *[(name, 1) for name in names])
    assert response.status_code == 201, response.content
    return [query["sql"] for query in captured.captured_queries]


def test_place_order_queries_do_not_grow_with_the_lines(shop) -> None:
    queries_for(shop, 2)  # warms the host -> tenant lookup, as in a running shop
    one = queries_for(shop, 1)
    twenty = queries_for(shop, 20)

    assert len(one) == QUERIES_PER_ORDER, "\n".join(one)
    assert len(twenty) == QUERIES_PER_ORDER, "\n".join(twenty)
