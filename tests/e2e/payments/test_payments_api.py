"""Paying orders and refunding payments through the API, every outcome of API.md."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from emporium.infrastructure.http.models import IdempotencyRecord
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.inventory.models import StockItem
from emporium.multitenancy.context import tenant_context
from emporium.ordering.models import Order
from emporium.payments.models import Payment
from emporium.tenancy.models import TenantSettings
from tests.order_streams import backdate_reservation

pytestmark = pytest.mark.django_db

GOOD = "4242424242424242"
DECLINED = "4000000000000002"
INSUFFICIENT = "4000000000009995"
TIMEOUT = "4000000000000119"
PROBLEMS = "https://emporium.example/problems/"


def card(number: str = GOOD, **overrides: Any) -> dict[str, Any]:
    return {
        "method": "card",
        "card_number": number,
        "exp_month": 12,
        "exp_year": 2031,
        "cvc": "314",
        **overrides,
    }


def place(shop, who: str = "ann", small: bool = False) -> dict[str, Any]:
    response = shop.order(who, ("mug", 1)) if small else shop.order(who, ("mug", 2), ("pan", 1))
    assert response.status_code == 201
    return response.json()


def pay(shop, order_id: str, body: Any, who: str = "ann", key: str | None = None):
    headers = {"HTTP_HOST": "acme.localhost"}
    if who:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {shop.tokens[who]}"
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return Client().post(
        f"/api/v1/orders/{order_id}/payments/", body, content_type="application/json", **headers
    )


def refund(shop, payment_id: str, body: Any = None, who: str = "staff"):
    return shop.call("post", f"/api/v1/payments/{payment_id}/refunds/", who, body or {})


def order_status(shop, order_id: str) -> str:
    with tenant_context(shop.acme):
        return str(Order.objects.get(pk=order_id).status)


def payments(shop, **filters: Any) -> list[Payment]:
    with tenant_context(shop.acme):
        return list(Payment.objects.filter(**filters).order_by("created_at"))


def stock(shop, name: str) -> tuple[int, int]:
    with tenant_context(shop.acme):
        row = StockItem.objects.get(product_id=shop.products[name])
    return row.on_hand, row.reserved


def test_a_good_card_captures_the_total_and_the_order_is_paid(shop) -> None:
    order = place(shop)

    response = pay(shop, order["id"], card())

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {
        "id",
        "order_id",
        "status",
        "method",
        "amount",
        "brand",
        "last4",
        "refunded_amount",
        "refunds",
        "created_at",
    }
    assert body["refunds"] == []
    assert body["order_id"] == order["id"]
    assert body["status"] == "captured"
    assert body["method"] == "card"
    assert body["amount"] == order["total"]
    assert (body["brand"], body["last4"]) == ("visa", "4242")
    assert body["refunded_amount"] == {"amount": "0.00", "currency": "USD"}
    assert order_status(shop, order["id"]) == "paid"
    assert stock(shop, "mug") == (8, 0)
    assert stock(shop, "pan") == (2, 0)
    history = shop.call("get", f"/api/v1/orders/{order['id']}/history/", "ann").json()
    types = [event["type"] for event in history]
    # No shipping address: nothing is sent to the fulfilment service.
    assert types == ["ordering.order_placed", "ordering.order_paid"]
    assert history[-1]["payload"]["payment_id"] == body["id"]
    with tenant_context(shop.acme):
        assert OutboxMessage.objects.filter(type="payments.payment_captured").count() == 1


def test_the_amount_is_the_orders_total_whatever_the_client_sends(shop) -> None:
    order = place(shop)

    response = pay(shop, order["id"], card(amount={"amount": "0.01", "currency": "USD"}))

    assert response.status_code == 201
    assert response.json()["amount"] == order["total"]


@pytest.mark.parametrize(
    ("number", "kind"), [(DECLINED, "card-declined"), (INSUFFICIENT, "insufficient-funds")]
)
def test_a_declined_card_is_402_with_its_type_and_the_order_stays_confirmed(
    shop, number: str, kind: str
) -> None:
    order = place(shop)

    response = pay(shop, order["id"], card(number))

    assert response.status_code == 402
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"] == PROBLEMS + kind
    assert order_status(shop, order["id"]) == "confirmed"
    [declined] = payments(shop, order_id=order["id"])
    assert (declined.status, declined.last4) == ("declined", number[-4:])
    assert stock(shop, "mug") == (10, 2)
    # The customer may try again with another card.
    assert pay(shop, order["id"], card()).status_code == 201


def test_a_provider_timeout_is_503_with_retry_after_and_nothing_captured(shop) -> None:
    order = place(shop)

    response = pay(shop, order["id"], card(TIMEOUT), key="try-1")

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert order_status(shop, order["id"]) == "confirmed"
    assert [p.status for p in payments(shop, order_id=order["id"])] == ["failed"]
    # Not stored: the same key may be retried, and now captures.
    assert pay(shop, order["id"], card(), key="try-1").status_code == 201


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"card_number": "4242424242424241"}, "card_number"),
        ({"card_number": "42"}, "card_number"),
        ({"exp_month": 13}, "exp_month"),
        ({"exp_year": 2020}, "exp_year"),
        ({"cvc": "1"}, "cvc"),
    ],
)
def test_invalid_card_data_is_400_and_nothing_is_recorded(shop, overrides, field) -> None:
    order = place(shop)

    response = pay(shop, order["id"], card(**overrides))

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert payments(shop) == []
    assert order_status(shop, order["id"]) == "confirmed"


def test_a_missing_method_is_400(shop) -> None:
    order = place(shop)

    response = pay(shop, order["id"], {"card_number": GOOD})

    assert response.status_code == 400
    assert "method" in response.json()["errors"]


def test_an_order_that_is_not_confirmed_is_422(shop) -> None:
    order = place(shop)
    assert shop.call("post", f"/api/v1/orders/{order['id']}/cancel/", "ann").status_code == 200

    response = pay(shop, order["id"], card())

    assert response.status_code == 422
    assert response.json()["type"] == PROBLEMS + "not-payable"
    assert payments(shop) == []


def test_a_payment_after_reserved_until_is_422_before_any_capture_sweep_or_not(shop) -> None:
    order = place(shop)
    with tenant_context(shop.acme), transaction.atomic():
        backdate_reservation(order["id"], timezone.now() - timedelta(seconds=1))

    response = pay(shop, order["id"], card())

    assert response.status_code == 422
    assert response.json() == {
        "type": PROBLEMS + "reservation-expired",
        "title": "Business rule violated",
        "status": 422,
        "detail": "The order's reservation has run out and its stock is going back on sale; "
        "place the order again.",
    }
    assert payments(shop) == []  # nothing captured, nothing recorded
    assert order_status(shop, order["id"]) == "confirmed"  # the sweep cancels it
    assert stock(shop, "mug") == (10, 2)  # still held until the sweep releases it


def test_an_unknown_or_disabled_method_is_422(shop) -> None:
    order = place(shop)

    unknown = pay(shop, order["id"], {"method": "paypal"})
    with tenant_context(shop.acme):
        TenantSettings.objects.update(payment_methods=[])
    disabled = pay(shop, order["id"], card())

    assert unknown.status_code == 422
    assert disabled.status_code == 422
    assert disabled.json()["type"] == PROBLEMS + "payment-method-not-enabled"
    assert payments(shop) == []


@pytest.mark.parametrize("body", [card(), {"method": 42}, [], {"method": "card", "cvc": None}])
def test_another_customers_order_is_404_staff_403_anonymous_401_whatever_the_body(
    shop, body
) -> None:
    order = place(shop)

    assert pay(shop, order["id"], body, who="bob").status_code == 404
    assert pay(shop, order["id"], body, who="staff").status_code == 403
    assert pay(shop, order["id"], body, who="").status_code == 401
    assert pay(shop, order["id"], body, who="globex").status_code == 401
    assert payments(shop) == []
    assert order_status(shop, order["id"]) == "confirmed"


def test_another_customers_order_is_404_staff_403_anonymous_401(shop) -> None:
    order = place(shop)

    assert pay(shop, order["id"], card(), who="bob").status_code == 404
    assert pay(shop, order["id"], card(), who="staff").status_code == 403
    assert pay(shop, order["id"], card(), who="").status_code == 401
    assert pay(shop, order["id"], card(), who="globex").status_code == 401
    assert payments(shop) == []
    assert order_status(shop, order["id"]) == "confirmed"


def test_the_same_key_twice_captures_once_and_replays_the_answer(shop) -> None:
    order = place(shop)

    first = pay(shop, order["id"], card(), key="pay-1")
    second = pay(shop, order["id"], card(), key="pay-1")

    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    assert len(payments(shop, status="captured")) == 1


def test_a_declined_answer_is_replayed_under_its_key(shop) -> None:
    order = place(shop)

    first = pay(shop, order["id"], card(DECLINED), key="pay-d")
    second = pay(shop, order["id"], card(DECLINED), key="pay-d")

    assert first.status_code == second.status_code == 402
    assert first.content == second.content
    assert len(payments(shop)) == 1


def test_a_new_key_for_a_paid_order_is_422_and_nothing_more_is_captured(shop) -> None:
    order = place(shop)
    assert pay(shop, order["id"], card(), key="pay-1").status_code == 201

    again = pay(shop, order["id"], card(), key="pay-2")

    assert again.status_code == 422
    assert len(payments(shop)) == 1


def test_staff_refund_partially_then_the_rest_never_more(shop) -> None:
    order = place(shop)
    payment = pay(shop, order["id"], card()).json()
    total = Decimal(payment["amount"]["amount"])

    part = refund(shop, payment["id"], {"amount": {"amount": "1.00", "currency": "USD"}})
    too_much = refund(shop, payment["id"], {"amount": {"amount": str(total), "currency": "USD"}})
    rest = refund(shop, payment["id"])
    more = refund(shop, payment["id"], {"amount": {"amount": "0.01", "currency": "USD"}})

    assert part.status_code == 201, part.content
    assert part.json()["amount"] == {"amount": "1.00", "currency": "USD"}
    assert part.json()["payment"]["status"] == "partially_refunded"
    assert too_much.status_code == 422
    assert rest.status_code == 201
    assert rest.json()["amount"]["amount"] == str(total - 1)
    assert rest.json()["payment"]["status"] == "refunded"
    assert rest.json()["payment"]["refunded_amount"] == payment["amount"]
    assert more.status_code == 422
    with tenant_context(shop.acme):
        assert OutboxMessage.objects.filter(type="payments.payment_refunded").count() == 2


def test_refunds_are_for_staff_only(shop) -> None:
    order = place(shop)
    payment = pay(shop, order["id"], card()).json()

    assert refund(shop, payment["id"], who="ann").status_code == 403
    assert refund(shop, payment["id"], who="bob").status_code == 404
    assert refund(shop, payment["id"], who="globex").status_code == 401
    assert payments(shop)[0].status == "captured"


def test_a_declined_payment_cannot_be_refunded(shop) -> None:
    order = place(shop)
    pay(shop, order["id"], card(DECLINED))
    [declined] = payments(shop)

    assert refund(shop, str(declined.id)).status_code == 422


def test_no_column_and_no_log_line_holds_a_full_card_number_or_cvc(shop, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    numbers = [GOOD, DECLINED, INSUFFICIENT, TIMEOUT]
    for index, number in enumerate(numbers):
        order = place(shop, small=True)
        pay(shop, order["id"], card(number, cvc="7319"), key=f"k-{index}")
    pay(shop, place(shop, small=True)["id"], card("4242424242424241", cvc="7319"))
    paid = payments(shop, status="captured")[0]
    refund(shop, str(paid.id))

    with tenant_context(shop.acme):
        rows = [
            *Payment.objects.values_list(),
            *OutboxMessage.objects.values_list(),
            *Order.objects.values_list(),
            *IdempotencyRecord.objects.values_list(),
        ]
    stored = repr(rows)
    logged = caplog.text + repr([record.__dict__ for record in caplog.records])
    assert len(payments(shop)) == 4
    for number in [*numbers, "4242424242424241"]:
        assert number not in stored, [r for r in rows if number in repr(r)]
        assert number not in logged
    # As a value of its own: the digits may occur by chance inside ids, hashes and timestamps
    # (a datetime's repr shows its microseconds as a bare number), so only text and JSON count.
    cvc = re.compile(r"(?<![0-9a-fA-F.])7319(?![0-9a-fA-F])")
    texts = repr(
        [
            bytes(value) if isinstance(value, memoryview) else value  # stored response bodies
            for row in rows
            for value in row
            if isinstance(value, str | bytes | memoryview | dict | list)
        ]
    )
    assert not cvc.search(texts)
    assert not cvc.search(logged)
    assert '"cvc"' not in stored
    assert "'cvc'" not in logged


def test_the_same_refund_key_twice_refunds_once(shop) -> None:
    order = place(shop)
    payment = pay(shop, order["id"], card()).json()

    def keyed_refund():
        return Client().post(
            f"/api/v1/payments/{payment['id']}/refunds/",
            {"amount": {"amount": "1.00", "currency": "USD"}},
            content_type="application/json",
            HTTP_HOST="acme.localhost",
            HTTP_AUTHORIZATION=f"Bearer {shop.tokens['staff']}",
            HTTP_IDEMPOTENCY_KEY="refund-1",
        )

    first, second = keyed_refund(), keyed_refund()

    assert first.status_code == second.status_code == 201
    assert first.content == second.content
    [row] = payments(shop)
    assert row.refunded_amount.to_dict() == {"amount": "1.00", "currency": "USD"}
