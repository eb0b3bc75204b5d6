"""Orders in the back office: this tenant's only, with their customers, lines and amounts,
searched by id or customer, read-only, cancelled through the use case."""

from __future__ import annotations

import html
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from emporium.identity.models import User
from emporium.multitenancy.context import tenant_context
from emporium.ordering import bootstrap
from emporium.ordering.application.use_cases import PlaceOrder
from emporium.ordering.models import Order
from tests.e2e.admin_pages import changelist_rows, inline_rows, readonly_fields
from tests.e2e.test_back_office import linked, post, signed_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"  # make_account's
ORDERS = "/admin/ordering/order/"


@pytest.fixture
def staff_client(shop) -> Client:
    for who, name in (("ann", "Ann Archer"), ("bob", "Bob Baker")):
        with tenant_context(shop.acme), transaction.atomic():
            User.objects.filter(pk=shop.users[who].pk).update(name=name)
    return signed_in("acme.localhost", "staff@shop.example", PASSWORD)


@pytest.fixture
def globex_order(shop, make_account) -> str:
    """An order of globex's customer with ann's e-mail (another account, another shop)."""
    customer = make_account(shop.globex, "ann@shop.example", "customer")
    with tenant_context(shop.globex):
        placed = bootstrap.place_order(PlaceOrder(customer.pk, [(shop.products["globex"], 1)]))
    return str(placed.id)


def place(shop, who: str, *items: tuple[str, int]) -> str:
    response = shop.order(who, *items)
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


def test_the_list_shows_each_orders_customer_status_and_total(
    shop, staff_client, globex_order
) -> None:
    ann = place(shop, "ann", ("mug", 2), ("pan", 1))
    bob = place(shop, "bob", ("mug", 1))

    listing = staff_client.get(ORDERS)
    rows = changelist_rows(listing)

    # Newest first: id, customer's e-mail, name, status, total, created, paid at.
    assert [row[:5] for row in rows] == [
        [bob, "bob@shop.example", "Bob Baker", "confirmed", "0.38 USD"],
        [ann, "ann@shop.example", "Ann Archer", "confirmed", "50.33 USD"],
    ]
    assert [row[6] for row in rows] == ["-", "-"]
    assert globex_order not in listing.text


def test_search_by_customer_email_or_name_finds_only_this_shops_orders(
    shop, staff_client, globex_order
) -> None:
    ann = place(shop, "ann", ("mug", 1))
    bob = place(shop, "bob", ("mug", 1))

    def found(term: str) -> list[str]:
        return linked(staff_client.get(ORDERS, {"q": term}), "ordering/order")

    assert found("ann@shop.example") == [ann]  # globex's ann has an order too: not here
    assert found("BOB@shop") == [bob]
    assert found("Archer") == [ann]
    assert found("shop.example") == [bob, ann]
    assert found(ann[:8]) == [ann]  # the beginning of an order id
    assert found(globex_order) == []
    assert found("nobody@shop.example") == []


def test_the_list_filters_by_status_and_created_date(shop, staff_client) -> None:
    ann = place(shop, "ann", ("mug", 1))
    bob = place(shop, "bob", ("mug", 1))
    post(staff_client, ORDERS, {"action": "cancel", "_selected_action": [bob], "index": "0"})

    def found(**query: str) -> list[str]:
        return linked(staff_client.get(ORDERS, query), "ordering/order")

    assert found(status__exact="cancelled") == [bob]
    assert found(status__exact="confirmed") == [ann]
    assert found(created_at__gte="2000-01-01 00:00:00+00:00") == [bob, ann]
    assert found(created_at__gte="2100-01-01 00:00:00+00:00") == []
    listing = staff_client.get(ORDERS)
    today = re.search(r'<a href="(\?created_at__gte=[^"]+)">Today</a>', listing.text)
    assert today is not None
    assert linked(staff_client.get(ORDERS + html.unescape(today.group(1))), "ordering/order") == [
        bob,
        ann,
    ]


def test_the_order_page_shows_its_customer_lines_and_amounts(shop, staff_client) -> None:
    order = place(shop, "ann", ("mug", 2), ("pan", 1))

    page = staff_client.get(f"{ORDERS}{order}/change/")

    assert inline_rows(page, "lines") == [
        ["Mug", str(shop.products["mug"]), "2", "0.35 USD", "0.70 USD"],
        ["Pan", str(shop.products["pan"]), "1", "45.90 USD", "45.90 USD"],
    ]
    fields = readonly_fields(page)
    assert {name: fields[name] for name in ("status", "customer", "customer_name")} == {
        "status": "confirmed",
        "customer": "ann@shop.example",
        "customer_name": "Ann Archer",
    }
    assert fields["subtotal_text"] == "46.60 USD"
    assert (fields["tax_rate"], fields["tax_text"], fields["amount"]) == (
        "8.00",
        "3.73 USD",
        "50.33 USD",
    )
    assert (fields["payment"], fields["paid_at"]) == (
        "not paid (every payment of this order)",
        "-",
    )
    assert f'href="/admin/payments/payment/?order_id={order}"' in page.text
    assert fields["history"] == "1. ordering.order_placed"
    assert fields["reserved_until"] != "-"


def test_an_order_is_not_edited_in_the_back_office(shop, staff_client) -> None:
    order = place(shop, "ann", ("mug", 1))
    url = f"{ORDERS}{order}/change/"

    page = staff_client.get(url)

    assert 'name="_save"' not in page.text
    assert post(staff_client, url, {"status": "paid"}).status_code == 403
    assert staff_client.get(f"{ORDERS}add/").status_code == 403
    assert staff_client.get(f"{ORDERS}{order}/delete/").status_code == 403
    with tenant_context(shop.acme):
        assert Order.objects.get(pk=order).status == "confirmed"


def test_the_cancel_action_goes_through_the_use_case(shop, staff_client) -> None:
    order = place(shop, "ann", ("mug", 2))

    done = post(
        staff_client, ORDERS, {"action": "cancel", "_selected_action": [order], "index": "0"}
    )

    assert done.status_code == 302
    page = staff_client.get(f"{ORDERS}{order}/change/")
    assert readonly_fields(page)["history"] == (
        "1. ordering.order_placed → 2. ordering.order_cancelled"
    )
    with tenant_context(shop.acme):
        assert Order.objects.values_list("status", "cancel_reason").get(pk=order) == (
            "cancelled",
            "staff",
        )


def test_another_tenants_order_is_404(shop, staff_client, globex_order) -> None:
    assert staff_client.get(f"{ORDERS}{globex_order}/change/").status_code == 404


def test_the_list_asks_the_same_queries_for_2_or_6_orders(shop, staff_client) -> None:
    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(ORDERS).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    for who in ("ann", "bob"):
        place(shop, who, ("mug", 1))
    with_two = queries()
    for who in ("ann", "bob", "ann", "bob"):
        place(shop, who, ("mug", 1))
    with_six = queries()

    assert len(changelist_rows(staff_client.get(ORDERS))) == 6
    assert len(with_six) == len(with_two)
    # The accounts are read twice whatever the rows: the signed-in user, the page's customers.
    assert sum('FROM "identity_user"' in sql for sql in with_six) == 2
