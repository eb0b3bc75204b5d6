"""Refunds change the order: refunded when all is given back, stock back on request, the customer
told, net sales down by what was refunded, the history telling it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core import mail

from emporium.inventory.models import StockItem, StockMovement
from emporium.multitenancy.context import tenant_context
from emporium.ordering.models import Order
from emporium.payments.models import Payment, Refund
from emporium.shared_kernel.money import Money

pytestmark = pytest.mark.django_db

CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "314"}
PROBLEMS = "https://emporium.example/problems/"


@pytest.fixture
def in_process(settings, django_capture_on_commit_callbacks):
    """Run what each call's commit scheduled, as the embedded default does without a broker."""
    settings.CELERY_BROKER_URL = ""

    def call(shop, method: str, url: str, who: str, body: Any = None):
        with tenant_context(shop.acme), django_capture_on_commit_callbacks(execute=True):
            return shop.call(method, url, who, body)

    return call


def paid_order(shop, call) -> tuple[dict[str, Any], dict[str, Any]]:
    """Place mugs x2 and a pan as ann (0.70 + 45.90, 8 % tax: 50.33) and pay it by card."""
    order = call(
        shop,
        "post",
        "/api/v1/orders/",
        "ann",
        {
            "items": [
                {"product_id": str(shop.products["mug"]), "quantity": 2},
                {"product_id": str(shop.products["pan"]), "quantity": 1},
            ]
        },
    ).json()
    payment = call(
        shop, "post", f"/api/v1/orders/{order['id']}/payments/", "ann", {"method": "card", **CARD}
    )
    assert payment.status_code == 201, payment.content
    mail.outbox.clear()
    return order, payment.json()


def stock(shop) -> dict[str, tuple[int, int]]:
    with tenant_context(shop.acme):
        rows = StockItem.objects.filter(product_id__in=[shop.products["mug"], shop.products["pan"]])
        by_id = {row.product_id: (row.on_hand, row.reserved) for row in rows}
    return {name: by_id[shop.products[name]] for name in ("mug", "pan")}


def order_status(shop, order_id: str) -> str:
    with tenant_context(shop.acme):
        return str(Order.objects.get(pk=order_id).status)


def sales_totals(shop, call) -> dict[str, Any]:
    today = datetime.now(UTC).date().isoformat()
    report = call(shop, "get", f"/api/v1/analytics/sales/?from={today}&to={today}", "staff")
    assert report.status_code == 200, report.content
    return report.json()["totals"]


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def test_a_full_refund_with_restock_refunds_the_order_returns_stock_and_tells_the_customer(
    shop, in_process
) -> None:
    order, payment = paid_order(shop, in_process)
    assert payment["amount"] == usd("50.33")
    assert stock(shop) == {"mug": (8, 0), "pan": (2, 0)}

    refund = in_process(
        shop, "post", f"/api/v1/payments/{payment['id']}/refunds/", "staff", {"restock": True}
    )

    assert refund.status_code == 201, refund.content
    assert refund.json()["amount"] == usd("50.33")
    assert order_status(shop, order["id"]) == "refunded"
    assert in_process(shop, "get", f"/api/v1/orders/{order['id']}/", "ann").json()["status"] == (
        "refunded"
    )
    assert stock(shop) == {"mug": (10, 0), "pan": (3, 0)}
    with tenant_context(shop.acme):
        returns = StockMovement.objects.filter(kind="return").values_list(
            "on_hand_delta", "reference"
        )
        assert sorted(returns) == [(1, f"order {order['id']}"), (2, f"order {order['id']}")]
    history = in_process(shop, "get", f"/api/v1/orders/{order['id']}/history/", "ann").json()
    assert [event["type"] for event in history][-1] == "ordering.order_refunded"
    assert history[-1]["payload"]["fully"] is True
    assert history[-1]["payload"]["restocked"] is True
    [notice] = mail.outbox
    assert notice.to == ["ann@shop.example"]
    assert notice.subject == "Your refund from Acme Inc."
    assert f"we have refunded 50.33 USD of your order {order['id']}" in notice.body
    assert "The whole order is now refunded." in notice.body
    assert sales_totals(shop, in_process) == {
        "orders": 1,
        "units": 3,
        "revenue": usd("0.00"),
        "refunded": usd("50.33"),
    }
    fulfil = in_process(shop, "post", f"/api/v1/orders/{order['id']}/fulfil/", "staff")
    assert fulfil.status_code == 422
    assert fulfil.json()["type"] == PROBLEMS + "not-fulfillable"


def test_a_partial_refund_leaves_the_order_paid_and_net_sales_drop_by_it(shop, in_process) -> None:
    order, payment = paid_order(shop, in_process)

    refund = in_process(
        shop,
        "post",
        f"/api/v1/payments/{payment['id']}/refunds/",
        "staff",
        {"amount": usd("10.00")},
    )

    assert refund.status_code == 201, refund.content
    assert order_status(shop, order["id"]) == "paid"
    with tenant_context(shop.acme):
        [row] = Refund.objects.all()
    assert (str(row.id), str(row.payment_id), row.amount) == (
        refund.json()["id"],
        payment["id"],
        Money.of("10.00", "USD"),
    )
    assert stock(shop) == {"mug": (8, 0), "pan": (2, 0)}  # no restock asked
    [notice] = mail.outbox
    assert "Refunded so far: 10.00 USD" in notice.body
    assert sales_totals(shop, in_process) == {
        "orders": 1,
        "units": 3,
        "revenue": usd("40.33"),
        "refunded": usd("10.00"),
    }


def test_restock_with_a_partial_refund_is_422_and_nothing_moves(shop, in_process) -> None:
    order, payment = paid_order(shop, in_process)

    refused = in_process(
        shop,
        "post",
        f"/api/v1/payments/{payment['id']}/refunds/",
        "staff",
        {"amount": usd("10.00"), "restock": True},
    )

    assert refused.status_code == 422
    assert refused.json()["type"] == PROBLEMS + "restock-needs-full-refund"
    with tenant_context(shop.acme):
        row = Payment.objects.get(pk=payment["id"])
        assert (row.status, str(row.refunded_amount.amount)) == ("captured", "0.00")
    assert order_status(shop, order["id"]) == "paid"
    assert stock(shop) == {"mug": (8, 0), "pan": (2, 0)}
    assert mail.outbox == []


@pytest.mark.parametrize("restock", ["yes", 1, None])
def test_restock_must_be_a_boolean(shop, in_process, restock) -> None:
    _, payment = paid_order(shop, in_process)

    refused = in_process(
        shop, "post", f"/api/v1/payments/{payment['id']}/refunds/", "staff", {"restock": restock}
    )

    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["restock"]
