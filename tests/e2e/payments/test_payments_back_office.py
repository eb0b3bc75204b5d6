"""Payments in the back office: this shop's only, with their orders, customers and refunds,
searched by id or customer, read-only; the refund action goes through the use case."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from emporium.identity.adapters.tokens import issue_token
from emporium.identity.models import User
from emporium.multitenancy.context import tenant_context
from emporium.ordering.models import Order
from emporium.payments.models import Payment, Refund
from tests.e2e.admin_pages import changelist_rows, inline_rows, readonly_fields
from tests.e2e.payments.test_payments_api import DECLINED, card, pay, place, refund
from tests.e2e.test_back_office import linked, post, signed_in

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"  # make_account's
PAYMENTS = "/admin/payments/payment/"
ORDERS = "/admin/ordering/order/"


@pytest.fixture
def staff_client(shop) -> Client:
    for who, name in (("ann", "Ann Archer"), ("bob", "Bob Baker")):
        with tenant_context(shop.acme), transaction.atomic():
            User.objects.filter(pk=shop.users[who].pk).update(name=name)
    return signed_in("acme.localhost", "staff@shop.example", PASSWORD)


@pytest.fixture
def payments(shop) -> dict[str, Any]:
    """ann: a declined then a captured payment of one order (50.33), 1.00 of it refunded;
    bob: a captured payment (0.38)."""
    ann_order = place(shop)["id"]
    assert pay(shop, ann_order, card(DECLINED)).status_code == 402
    captured = pay(shop, ann_order, card()).json()["id"]
    assert (
        refund(shop, captured, {"amount": {"amount": "1.00", "currency": "USD"}}).status_code == 201
    )
    bob_order = place(shop, "bob", small=True)["id"]
    bobs = pay(shop, bob_order, card(), who="bob").json()["id"]
    with tenant_context(shop.acme):
        declined = str(Payment.objects.get(order_id=ann_order, status="declined").pk)
        transactions = dict(Payment.objects.values_list("id", "transaction_id"))
    return {
        "ann_order": ann_order,
        "declined": declined,
        "captured": captured,
        "bob_order": bob_order,
        "bob": bobs,
        "transactions": {str(pk): tx for pk, tx in transactions.items()},
    }


@pytest.fixture
def globex_payment(shop, make_account) -> str:
    """A captured payment of globex's customer with ann's e-mail (another account and shop)."""
    customer = make_account(shop.globex, "ann@shop.example", "customer")
    with tenant_context(shop.globex):
        shop.tokens["globex_ann"] = issue_token(customer)[0]
    body = {"items": [{"product_id": str(shop.products["globex"]), "quantity": 1}]}
    order = shop.call("post", "/api/v1/orders/", "globex_ann", body, host="globex.localhost")
    paid = shop.call(
        "post",
        f"/api/v1/orders/{order.json()['id']}/payments/",
        "globex_ann",
        card(),
        host="globex.localhost",
    )
    assert paid.status_code == 201, paid.content
    return str(paid.json()["id"])


def test_the_list_shows_each_payments_order_customer_and_amounts(
    shop, staff_client, payments, globex_payment
) -> None:
    listing = staff_client.get(PAYMENTS)

    # Newest first: id, order, customer, method, status, amount, refunded, card (time left out).
    assert [row[:8] for row in changelist_rows(listing)] == [
        [payments["bob"], payments["bob_order"], "bob@shop.example", "card", "captured",
         "0.38 USD", "0.00 USD", "visa 4242"],
        [payments["captured"], payments["ann_order"], "ann@shop.example", "card",
         "partially_refunded", "50.33 USD", "1.00 USD", "visa 4242"],
        [payments["declined"], payments["ann_order"], "ann@shop.example", "card", "declined",
         "50.33 USD", "0.00 USD", "visa 0002"],
    ]  # fmt: skip
    assert f'href="{ORDERS}{payments["ann_order"]}/change/"' in listing.text
    assert globex_payment not in listing.text


def test_search_by_id_transaction_or_customer_finds_only_this_shops_payments(
    staff_client, payments, globex_payment
) -> None:
    def found(term: str) -> list[str]:
        return linked(staff_client.get(PAYMENTS, {"q": term}), "payments/payment")

    ann = [payments["captured"], payments["declined"]]
    assert found("ann@shop.example") == ann  # globex's ann paid too: not here
    assert found("Baker") == [payments["bob"]]
    assert found(payments["ann_order"]) == ann
    assert found(payments["captured"][:8]) == [payments["captured"]]
    assert found(payments["transactions"][payments["bob"]]) == [payments["bob"]]
    assert found(globex_payment) == []


def test_the_list_filters_by_status_and_method(staff_client, payments) -> None:
    def found(**query: str) -> list[str]:
        return linked(staff_client.get(PAYMENTS, query), "payments/payment")

    assert found(status__exact="declined") == [payments["declined"]]
    assert found(status__exact="partially_refunded") == [payments["captured"]]
    assert found(method="card") == [payments["bob"], payments["captured"], payments["declined"]]
    assert found(method="paypal") == []
    assert found(order_id=payments["ann_order"]) == [payments["captured"], payments["declined"]]


def test_the_payment_page_shows_its_order_customer_and_refunds(
    shop, staff_client, payments
) -> None:
    page = staff_client.get(f"{PAYMENTS}{payments['captured']}/change/")

    fields = readonly_fields(page)
    assert {
        name: fields[name]
        for name in ("order", "customer", "customer_name", "method", "status", "card")
    } == {
        "order": payments["ann_order"],
        "customer": "ann@shop.example",
        "customer_name": "Ann Archer",
        "method": "card",
        "status": "partially_refunded",
        "card": "visa 4242",
    }
    assert (fields["amount_text"], fields["refunded_text"]) == ("50.33 USD", "1.00 USD")
    assert fields["transaction_id"] == payments["transactions"][payments["captured"]]
    with tenant_context(shop.acme):
        [made] = Refund.objects.filter(payment_id=payments["captured"])
    assert [row[:2] for row in inline_rows(page, "refunds")] == [[str(made.pk), "1.00 USD"]]
    assert f'href="{ORDERS}{payments["ann_order"]}/change/"' in page.text
    assert 'name="_save"' not in page.text


def test_the_order_page_links_the_payment_that_paid_it(staff_client, payments) -> None:
    page = staff_client.get(f"{ORDERS}{payments['ann_order']}/change/")

    assert readonly_fields(page)["payment"] == (
        f"{payments['captured']} (every payment of this order)"
    )
    assert f'href="{PAYMENTS}{payments["captured"]}/change/"' in page.text
    assert f'href="{PAYMENTS}?order_id={payments["ann_order"]}"' in page.text


def test_payments_are_not_added_changed_or_deleted_in_the_back_office(
    shop, staff_client, payments
) -> None:
    url = f"{PAYMENTS}{payments['bob']}/change/"

    assert post(staff_client, url, {"status": "refunded"}).status_code == 403
    assert staff_client.get(f"{PAYMENTS}add/").status_code == 403
    assert staff_client.get(f"{PAYMENTS}{payments['bob']}/delete/").status_code == 403
    listing = staff_client.get(PAYMENTS)
    assert 'value="delete_selected"' not in listing.text
    with tenant_context(shop.acme):
        assert Payment.objects.get(pk=payments["bob"]).status == "captured"


def test_the_refund_action_refunds_what_is_left_through_the_use_case(
    shop, staff_client, payments
) -> None:
    done = post(
        staff_client,
        PAYMENTS,
        {
            "action": "refund_rest",
            "_selected_action": [payments["captured"], payments["declined"]],
            "index": "0",
        },
        follow=True,
    )

    assert "1 of 2 updated." in done.text  # a declined payment has nothing to refund
    with tenant_context(shop.acme):
        paid = Payment.objects.get(pk=payments["captured"])
        refunds = list(
            Refund.objects.filter(payment=paid)
            .order_by("created_at")
            .values_list("amount_minor", flat=True)
        )
        assert Order.objects.get(pk=payments["ann_order"]).status == "refunded"
    assert (paid.status, str(paid.refunded_amount)) == ("refunded", "50.33")
    assert refunds == [100, 4933]


def test_another_shops_payment_is_404(staff_client, globex_payment) -> None:
    assert staff_client.get(f"{PAYMENTS}{globex_payment}/change/").status_code == 404


def test_the_list_asks_the_same_queries_for_2_or_6_payments(shop, staff_client) -> None:
    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(PAYMENTS).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    def paid(who: str) -> None:
        assert pay(shop, place(shop, who, small=True)["id"], card(), who=who).status_code == 201

    for who in ("ann", "bob"):
        paid(who)
    with_two = queries()
    for who in ("ann", "bob", "ann", "bob"):
        paid(who)
    with_six = queries()

    assert len(changelist_rows(staff_client.get(PAYMENTS))) == 6
    assert len(with_six) == len(with_two)
    assert sum('FROM "identity_user"' in sql for sql in with_six) == 2
