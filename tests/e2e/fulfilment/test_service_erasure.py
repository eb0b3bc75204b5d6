"""An erased customer's address leaves the fulfilment service too, through its own queue.

Real processes (see ``conftest.start_link``): Emporium's relay publishes
``identity.customer_erased`` and the service, which has shipped the customer's order, blanks the
address of that shipment (the country kept) and of no one else's.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import transaction

from emporium.identity.adapters.tokens import issue_token
from emporium.multitenancy.context import tenant_context
from tests.e2e.fulfilment.conftest import ADDRESS, CARD, Shop

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.rabbitmq,
    # The service and Emporium's workers are other processes: the rows must be committed.
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
]

#: The contract: erasure completes within 5 s of the 202, the service's copy included.
ERASED_WITHIN = 5.0
ADDRESS_COLUMNS = ("ship_name", "ship_line1", "ship_line2", "ship_city", "ship_postal_code")


def addresses(database_url: str, tenant: str) -> dict[str, tuple[Any, ...]]:
    """Return each shipment's address columns (and country) by order id."""
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            f"SELECT order_id, {', '.join(ADDRESS_COLUMNS)}, ship_country "
            "FROM shipments_shipment WHERE tenant = %s",
            [tenant],
        ).fetchall()
    return {str(row[0]): tuple(row[1:]) for row in rows}


def test_the_service_blanks_the_erased_customer_s_shipments_within_five_seconds(
    start_link, shop: Shop, make_account
) -> None:
    link = start_link(ship_after=1)
    mine = shop.place(ADDRESS)
    shop.pay(mine)
    link.wait_until(lambda: shop.order(mine)["status"] == "fulfilled", 20.0, "the order shipped")
    # Another customer of the shop whose shipment must stay as it is.
    bea = make_account(shop.tenant, "bea@shop.example", "customer")
    with tenant_context(shop.tenant), transaction.atomic():
        shop.tokens["bea"] = issue_token(bea)[0]
    other_address = {**ADDRESS, "name": "Bea Stone", "line1": "9 Harbour Row"}
    body = {
        "items": [{"product_id": str(shop.product), "quantity": 1}],
        "shipping_address": other_address,
    }
    theirs = shop.call("post", "/api/v1/orders/", "bea", body).json()["id"]
    paid = shop.call("post", f"/api/v1/orders/{theirs}/payments/", "bea", CARD)
    assert paid.status_code == 201, paid.content
    link.wait_until(lambda: theirs in link.shipments(shop.slug), 20.0, "bea's shipment")

    erased = shop.call("post", "/api/v1/me/erasure/", "ann", {"password": "correct horse 42"})

    assert erased.status_code == 202, erased.content
    waited = link.wait_until(
        lambda: addresses(link.database_url, shop.slug)[mine][0] == "",
        ERASED_WITHIN,
        "the service's copy of the address blanked",
    )
    assert waited < ERASED_WITHIN
    found = addresses(link.database_url, shop.slug)
    assert found[mine] == ("", "", "", "", "", "GB")
    assert found[theirs] == (
        "Bea Stone",
        "9 Harbour Row",
        ADDRESS["line2"],
        ADDRESS["city"],
        ADDRESS["postal_code"],
        "GB",
    )
