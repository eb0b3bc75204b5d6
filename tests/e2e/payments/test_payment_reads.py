"""Reading payments: staff see the shop's, a customer their own; each shows its refunds."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.payments.test_payments_api import DECLINED, PROBLEMS, card, pay, place, refund

pytestmark = pytest.mark.django_db


def get(shop, url: str, who: str, host: str = "acme.localhost") -> Any:
    return shop.call("get", url, who, host=host)


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [payment["id"] for payment in response.json()["results"]]


@pytest.fixture
def history(shop) -> dict[str, Any]:
    """ann: a declined then a captured payment of one order; bob: one captured payment."""
    ann_order = place(shop)
    assert pay(shop, ann_order["id"], card(DECLINED)).status_code == 402  # recorded, declined
    [declined] = get(shop, "/api/v1/payments/", "staff").json()["results"]
    captured = pay(shop, ann_order["id"], card()).json()
    bob_order = place(shop, "bob", small=True)
    bobs = pay(shop, bob_order["id"], card(), who="bob").json()
    return {
        "ann_order": ann_order["id"],
        "declined": declined["id"],
        "captured": captured["id"],
        "bob": bobs["id"],
    }


def test_staff_list_every_payment_newest_first(shop, history) -> None:
    assert ids(get(shop, "/api/v1/payments/", "staff")) == [
        history["bob"],
        history["captured"],
        history["declined"],
    ]


def test_a_customer_lists_only_their_own(shop, history) -> None:
    assert ids(get(shop, "/api/v1/payments/", "ann")) == [history["captured"], history["declined"]]
    assert ids(get(shop, "/api/v1/payments/", "bob")) == [history["bob"]]


def test_filters_by_order_and_status(shop, history) -> None:
    order = history["ann_order"]

    assert ids(get(shop, f"/api/v1/payments/?order={order}", "staff")) == [
        history["captured"],
        history["declined"],
    ]
    assert ids(get(shop, "/api/v1/payments/?status=declined", "staff")) == [history["declined"]]
    assert ids(get(shop, f"/api/v1/payments/?order={order}", "bob")) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("order=42", "order"),
        ("status=lost", "status"),
        ("cursor=%00", "cursor"),
        ("cursor=cD1nYXJiYWdl", "cursor"),  # "p=garbage": a position that is no instant
    ],
)
def test_a_bad_filter_is_400_naming_it(shop, history, query: str, field: str) -> None:
    response = get(shop, f"/api/v1/payments/?{query}", "staff")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_a_payment_shows_its_refunds_oldest_first(shop, history) -> None:
    first = refund(shop, history["captured"], {"amount": {"amount": "1.00", "currency": "USD"}})
    rest = refund(shop, history["captured"])

    body = get(shop, f"/api/v1/payments/{history['captured']}/", "ann").json()

    assert body["status"] == "refunded"
    assert body["refunds"] == [
        {
            "id": first.json()["id"],
            "amount": {"amount": "1.00", "currency": "USD"},
            "created_at": first.json()["created_at"],
        },
        {
            "id": rest.json()["id"],
            "amount": {"amount": "49.33", "currency": "USD"},
            "created_at": rest.json()["created_at"],
        },
    ]
    listed = get(shop, "/api/v1/payments/?status=refunded", "staff").json()["results"]
    assert listed == [body]


def test_someone_elses_or_another_shops_payment_is_404(shop, history) -> None:
    assert get(shop, f"/api/v1/payments/{history['captured']}/", "bob").status_code == 404
    other = get(shop, f"/api/v1/payments/{history['captured']}/", "globex", "globex.localhost")
    assert other.status_code == 404
    assert other.json()["type"] == PROBLEMS + "not-found"
    assert get(shop, f"/api/v1/payments/{history['captured']}/", None).status_code == 401


def test_the_order_names_the_payment_that_paid_it(shop, history) -> None:
    order = get(shop, f"/api/v1/orders/{history['ann_order']}/", "ann").json()
    unpaid = place(shop)

    assert order["payments"] == [history["captured"]]
    assert unpaid["payments"] == []
