"""GET /api/v1/me/summary/ and /api/v1/customers/{id}/summary/: a customer's orders and payments.

Orders are placed, paid and refunded through the API; the summary reads its own writes at
once, or says ``Projection-Lag: true`` when the projection could not catch up in time.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from django.db import connections, transaction

from emporium.analytics.tasks import catch_up_projections_task
from emporium.infrastructure.projections import runner
from emporium.multitenancy.context import tenant_context
from tests.e2e.ordering.conftest import CALLERS, open_shop

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/summary/"
CARD = {"card_number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "314"}
EMPTY = {"orders": 0, "paid_total": [], "first_order_at": None, "last_order_at": None}
#: A broker URL that holds the events: stored with the orders, but delivered to no consumer.
HELD = "amqp://held.invalid//"


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def of(shop, who: str) -> str:
    """Return the summary URL of the account ``who``."""
    return f"/api/v1/customers/{shop.users[who].pk}/summary/"


@pytest.fixture
def call(shop, django_capture_on_commit_callbacks):
    """Call the API and run what its commit scheduled, as a real commit would."""

    def call(method: str, url: str, who: str | None, body: Any = None, **extra: Any):
        with tenant_context(shop.acme), django_capture_on_commit_callbacks(execute=True):
            return shop.call(method, url, who, body, **extra)

    return call


def place(call, shop, who: str, *items: tuple[str, int]) -> dict[str, Any]:
    body = {"items": [{"product_id": str(shop.products[n]), "quantity": q} for n, q in items]}
    response = call("post", "/api/v1/orders/", who, body)
    assert response.status_code == 201, response.content
    return response.json()


def pay(call, who: str, order: dict[str, Any]) -> dict[str, Any]:
    response = call(
        "post", f"/api/v1/orders/{order['id']}/payments/", who, {"method": "card", **CARD}
    )
    assert response.status_code == 201, response.content
    return response.json()


def summary(call, url: str, who: str) -> tuple[dict[str, Any], str | None]:
    """Return the summary at ``url`` as ``who`` reads it, and its Projection-Lag header."""
    response = call("get", url, who)
    assert response.status_code == 200, response.content
    return response.json(), response.headers.get("Projection-Lag")


def test_an_account_that_never_ordered_has_an_empty_summary(shop, call) -> None:
    assert summary(call, ME, "ann") == (EMPTY, None)
    assert summary(call, of(shop, "ann"), "staff") == (EMPTY, None)
    assert summary(call, of(shop, "staff"), "owner") == (EMPTY, None)


def test_a_customer_sees_an_order_paid_at_once_and_staff_see_the_same(shop, call) -> None:
    first = place(call, shop, "ann", ("mug", 2), ("pan", 1))  # 0.70 + 45.90 + 8 % = 50.33
    pay(call, "ann", first)
    second = place(call, shop, "ann", ("mug", 1))  # 0.38, not paid
    place(call, shop, "bob", ("mug", 3))
    expected = {
        "orders": 2,
        "paid_total": [usd("50.33")],
        "first_order_at": first["created_at"],
        "last_order_at": second["created_at"],
    }

    assert summary(call, ME, "ann") == (expected, None)
    assert summary(call, of(shop, "ann"), "staff") == (expected, None)
    assert summary(call, of(shop, "ann"), "owner") == (expected, None)
    bob = summary(call, ME, "bob")[0]
    assert (bob["orders"], bob["paid_total"]) == (1, [])


def test_a_cancelled_order_counts_as_placed_and_adds_nothing_paid(shop, call) -> None:
    order = place(call, shop, "ann", ("pan", 1))
    assert call("post", f"/api/v1/orders/{order['id']}/cancel/", "ann").status_code == 200

    assert summary(call, ME, "ann") == (
        {
            "orders": 1,
            "paid_total": [],
            "first_order_at": order["created_at"],
            "last_order_at": order["created_at"],
        },
        None,
    )


def test_refunds_come_off_the_paid_total_down_to_zero(shop, call) -> None:
    order = place(call, shop, "ann", ("mug", 2), ("pan", 1))
    payment = pay(call, "ann", order)
    refunds = f"/api/v1/payments/{payment['id']}/refunds/"

    partial = call("post", refunds, "staff", {"amount": usd("10.00")})
    assert partial.status_code == 201, partial.content
    after_partial = summary(call, ME, "ann")
    rest = call("post", refunds, "staff", {})
    assert rest.status_code == 201, rest.content

    assert after_partial[0]["paid_total"] == [usd("40.33")]
    assert summary(call, ME, "ann") == (
        {
            "orders": 1,
            "paid_total": [usd("0.00")],  # a full refund leaves 0.00, not an empty list
            "first_order_at": order["created_at"],
            "last_order_at": order["created_at"],
        },
        None,
    )


def test_only_staff_read_another_account_and_only_of_their_shop(shop, call, make_account) -> None:
    carol = make_account(shop.globex, "carol@globex.example", "customer")
    unknown = f"/api/v1/customers/{uuid.uuid4()}/summary/"

    assert call("get", of(shop, "bob"), "ann").status_code == 403
    assert call("get", of(shop, "ann"), "ann").status_code == 403  # one's own too: use /me/
    assert call("get", unknown, "ann").status_code == 404  # 404 before 403
    assert call("get", unknown, "staff").status_code == 404
    assert call("get", f"/api/v1/customers/{carol.pk}/summary/", "staff").status_code == 404
    assert call("get", of(shop, "ann"), "globex", host="globex.localhost").status_code == 404
    anonymous = call("get", ME, None)
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"


def test_a_summary_that_cannot_catch_up_in_time_says_so_and_shows_what_it_has(
    shop, call, settings
) -> None:
    first = place(call, shop, "ann", ("mug", 2), ("pan", 1))
    pay(call, "ann", first)
    settings.CELERY_BROKER_URL = HELD  # from now on the events wait for a relay
    settings.EMPORIUM_PROJECTION_WAIT_SECONDS = 0.05
    second = place(call, shop, "ann", ("mug", 1))
    before = {
        "orders": 1,
        "paid_total": [usd("50.33")],
        "first_order_at": first["created_at"],
        "last_order_at": first["created_at"],
    }

    assert summary(call, ME, "ann") == (before, "true")
    assert summary(call, of(shop, "ann"), "staff") == (before, "true")

    assert catch_up_projections_task() > 0  # the periodic safety net runs
    assert summary(call, ME, "ann") == (
        {**before, "orders": 2, "last_order_at": second["created_at"]},
        None,
    )


@pytest.fixture
def committed_shop(acme_and_globex, make_account):
    """The shop, committed: on PostgreSQL a tenant's rows are written inside a transaction."""
    with transaction.atomic():
        return open_shop(acme_and_globex, make_account, CALLERS)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_summary_waits_for_the_projection_to_apply_the_readers_own_writes(
    committed_shop, settings, monkeypatch
) -> None:
    shop = committed_shop
    settings.CELERY_BROKER_URL = HELD  # committed for real, but no consumer catches up
    settings.EMPORIUM_PROJECTION_WAIT_SECONDS = 20  # a bound: the read returns once caught up
    order = shop.order("ann", ("pan", 1)).json()  # 45.90 + 8 % = 49.57
    paid = shop.call(
        "post", f"/api/v1/orders/{order['id']}/payments/", "ann", {"method": "card", **CARD}
    )
    assert paid.status_code == 201, paid.content
    polls: list[int] = []
    waiting = threading.Event()
    applied: list[int] = []
    position_of = runner.position_of

    def polled(name: str, using: str = "default") -> int:
        position = position_of(name, using)
        polls.append(position)
        waiting.set()
        return position

    def consumer_late() -> None:
        try:
            assert waiting.wait(timeout=20)
            with tenant_context(shop.acme):
                applied.append(runner.catch_up_all())
        finally:
            connections.close_all()

    monkeypatch.setattr(runner, "position_of", polled)
    late = threading.Thread(target=consumer_late)
    late.start()
    response = shop.call("get", ME, "ann")
    late.join(timeout=30)

    assert response.status_code == 200
    assert "Projection-Lag" not in response.headers
    assert response.json() == {
        "orders": 1,
        "paid_total": [usd("49.57")],
        "first_order_at": order["created_at"],
        "last_order_at": order["created_at"],
    }
    assert polls[0] == 0  # the read found the projection behind, waited, then saw it apply
    assert polls[-1] == 2  # placed, paid (no address: nothing for the fulfilment service)
    assert applied == [4 * 2]  # each of the four projections read the two events
