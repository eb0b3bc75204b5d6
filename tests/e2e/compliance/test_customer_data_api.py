"""GET /api/v1/me/export/, /customers/{id}/export/; POST /api/v1/me/erasure/, /customers/{id}/
erasure/: the documents, who may call them, who may be erased, and what an erasure does at once.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from emporium.identity.models import AuditEvent, User
from emporium.multitenancy.context import tenant_context
from tests.e2e.compliance.conftest import ADDRESS, CARD, PASSWORD

pytestmark = pytest.mark.django_db

ME_EXPORT = "/api/v1/me/export/"
ME_ERASURE = "/api/v1/me/erasure/"
PROBLEMS = "https://emporium.example/problems/"


def export_of(shop, who: str) -> str:
    return f"/api/v1/customers/{shop.users[who].pk}/export/"


def erasure_of(shop, who: str) -> str:
    return f"/api/v1/customers/{shop.users[who].pk}/erasure/"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def audit_entries(shop, event: str) -> list[AuditEvent]:
    with tenant_context(shop.acme):
        return list(AuditEvent.objects.filter(event=event).order_by("id"))


def ann_orders_and_pays(shop, call) -> tuple[dict[str, Any], dict[str, Any]]:
    """Ann orders two mugs to her address and pays; return the order and the payment."""
    body = {
        "items": [{"product_id": str(shop.products["mug"]), "quantity": 2}],
        "shipping_address": ADDRESS,
    }
    order = ok(call("post", "/api/v1/orders/", "ann", body), 201)
    payment = ok(call("post", f"/api/v1/orders/{order['id']}/payments/", "ann", CARD), 201)
    return order, payment


def without_card(payment: dict[str, Any]) -> dict[str, Any]:
    """A payment as the export shows it: no card data, not even brand and last four digits."""
    assert payment["brand"] == "visa"
    assert payment["last4"] == "4242"
    return {key: value for key, value in payment.items() if key not in ("brand", "last4")}


def test_a_customer_exports_everything_the_shop_holds_about_them(shop, call) -> None:
    order, payment = ann_orders_and_pays(shop, call)

    response = call("get", ME_EXPORT, "ann")

    document = ok(response)
    ann = shop.users["ann"]
    order_now = ok(call("get", f"/api/v1/orders/{order['id']}/", "ann"))
    history = ok(call("get", f"/api/v1/orders/{order['id']}/history/", "ann"))
    (exported,) = audit_entries(shop, "data_exported")
    assert document == {
        "account": {
            "id": str(ann.pk),
            "email": "ann@shop.example",
            "name": "ann@shop.example",
            "role": "customer",
            "active": True,
            "date_joined": document["account"]["date_joined"],
            "last_login": None,
        },
        "orders": [{**order_now, "events": history}],
        "payments": [without_card(ok(call("get", f"/api/v1/payments/{payment['id']}/", "ann")))],
        "notifications": [
            {
                "notification": "order-confirmation",
                "channel": "e-mail",
                "event_type": "ordering.order_placed",
                "event_id": history[0]["id"],
                "sent_at": document["notifications"][0]["sent_at"],
            },
            {
                "notification": "payment-receipt",
                "channel": "e-mail",
                "event_type": "ordering.order_paid",
                "event_id": history[1]["id"],
                "sent_at": document["notifications"][1]["sent_at"],
            },
        ],
        "audit": [
            {
                "type": "data_exported",
                "occurred_at": document["audit"][0]["occurred_at"],
                "actor": str(ann.pk),
                "ip": "127.0.0.1",
                "user_agent": "",
                "request_id": response["X-Request-ID"],
                "details": {"account_id": str(ann.pk)},
            }
        ],
    }
    assert [event["type"] for event in history] == [
        "ordering.order_placed",
        "ordering.order_paid",
        "ordering.fulfilment_requested",
    ]
    assert order_now["shipping_address"] == ADDRESS
    assert exported.user_id == ann.pk
    assert exported.detail == {"account_id": str(ann.pk)}


def test_the_owner_exports_a_customer_and_the_entry_names_the_owner(shop, call) -> None:
    ann_orders_and_pays(shop, call)
    own = ok(call("get", ME_EXPORT, "ann"))

    document = ok(call("get", export_of(shop, "ann"), "owner"))

    assert {key: document[key] for key in ("account", "orders", "payments", "notifications")} == {
        key: own[key] for key in ("account", "orders", "payments", "notifications")
    }
    owner, ann = shop.users["owner"].pk, shop.users["ann"].pk
    assert [(entry["actor"], entry["ip"]) for entry in document["audit"]] == [
        (str(ann), "127.0.0.1"),
        (str(owner), None),  # another's act on the account: who, not from where
    ]
    assert [(e.user_id, e.detail) for e in audit_entries(shop, "data_exported")] == [
        (ann, {"account_id": str(ann)}),
        (owner, {"account_id": str(ann)}),
    ]


def test_a_customer_with_nothing_yet_exports_the_account_alone(shop, call) -> None:
    document = ok(call("get", ME_EXPORT, "bob"))

    assert document["orders"] == document["payments"] == document["notifications"] == []
    assert document["account"]["email"] == "bob@shop.example"
    assert [entry["type"] for entry in document["audit"]] == ["data_exported"]


@pytest.mark.parametrize("verb", ["export", "erasure"])
def test_only_the_owner_reaches_another_account_and_only_in_their_shop(shop, call, verb) -> None:
    url = export_of(shop, "ann") if verb == "export" else erasure_of(shop, "ann")
    method = "get" if verb == "export" else "post"

    assert call(method, url, None).status_code == 401
    assert call(method, url, "staff").status_code == 403
    assert call(method, url, "bob").status_code == 403
    assert call(method, url, "ann").status_code == 403
    # Another shop's owner: the account does not exist there.
    globex = shop.call(method, url, "globex", host="globex.localhost")
    assert globex.status_code == 404
    unknown = f"/api/v1/customers/00000000-0000-4000-8000-000000000000/{verb}/"
    assert call(method, unknown, "owner").status_code == 404
    assert call(method, "/api/v1/me/" + verb + "/", None).status_code == 401
    with tenant_context(shop.acme):
        assert User.objects.get(pk=shop.users["ann"].pk).is_active


def test_owners_and_staff_cannot_be_erased(shop, call) -> None:
    for who in ("staff", "owner"):
        refused = call("post", ME_ERASURE, who, {"password": PASSWORD})
        assert refused.status_code == 422, refused.content
        assert refused.json()["type"] == PROBLEMS + "not-erasable"
        by_owner = call("post", erasure_of(shop, who), "owner")
        assert by_owner.status_code == 422
    assert ok(call("get", "/api/v1/me/", "staff"))["email"] == "staff@shop.example"
    assert audit_entries(shop, "data_erased") == []


def test_a_wrong_or_missing_password_erases_nothing(shop, call) -> None:
    order, _ = ann_orders_and_pays(shop, call)

    wrong = call("post", ME_ERASURE, "ann", {"password": "not the password"})
    missing = call("post", ME_ERASURE, "ann", {})

    assert wrong.status_code == 403
    assert wrong.json()["type"] == PROBLEMS + "wrong-password"
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"password": ["This field is required."]}
    assert ok(call("get", "/api/v1/me/", "ann"))["email"] == "ann@shop.example"
    assert ok(call("get", f"/api/v1/orders/{order['id']}/", "ann"))["shipping_address"] == ADDRESS
    assert audit_entries(shop, "data_erased") == []


def test_wrong_passwords_count_toward_the_lockout_and_each_is_audited(shop, call) -> None:
    # A stolen token must not let its holder guess the password (API.md: Sign-in protection).
    order, _ = ann_orders_and_pays(shop, call)

    guesses = [call("post", ME_ERASURE, "ann", {"password": f"guess {n}"}) for n in range(5)]
    right = call("post", ME_ERASURE, "ann", {"password": PASSWORD})

    # The fifth failure engages the lock; the right password is refused while it lasts.
    assert [r.status_code for r in guesses] == [403, 403, 403, 403, 429]
    assert guesses[0].json()["type"] == PROBLEMS + "wrong-password"
    assert right.status_code == 429
    assert right.json()["type"] == PROBLEMS + "locked-out"
    assert 890 <= int(right["Retry-After"]) <= 900
    assert sign_in(shop, "ann@shop.example").status_code == 429  # the same lock
    assert ok(call("get", f"/api/v1/orders/{order['id']}/", "ann"))["shipping_address"] == ADDRESS
    assert audit_entries(shop, "data_erased") == []
    # Four wrong guesses, then the fifth, the right password and the sign-in, all locked out.
    failed = audit_entries(shop, "sign_in_failed")
    assert [(e.user_id, e.detail["locked_out"]) for e in failed] == [
        *[(shop.users["ann"].pk, False)] * 4,
        *[(shop.users["ann"].pk, True)] * 3,
    ]
    assert [e.user_id for e in audit_entries(shop, "locked_out")] == [shop.users["ann"].pk] * 3


def sign_in(shop, email: str) -> Any:
    return Client().post(
        "/api/v1/auth/token/",
        {"email": email, "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST="acme.localhost",
    )


def test_an_erased_customer_cannot_sign_in_and_every_token_dies_at_once(shop, call) -> None:
    second = ok(sign_in(shop, "ann@shop.example"))["token"]

    response = call("post", ME_ERASURE, "ann", {"password": PASSWORD})

    assert response.status_code == 202
    assert response.json() == {"id": str(shop.users["ann"].pk), "status": "erased"}
    assert call("get", "/api/v1/me/", "ann").status_code == 401
    with_second = Client().get(
        "/api/v1/me/", HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {second}"
    )
    assert with_second.status_code == 401
    assert sign_in(shop, "ann@shop.example").status_code == 401
    ann = shop.users["ann"].pk
    assert sign_in(shop, f"erased-{ann}@erased.invalid").status_code == 401
    (erased,) = audit_entries(shop, "data_erased")
    # The customer's own request: kept with the account id only.
    assert (erased.user_id, erased.detail, erased.ip_address, erased.user_agent) == (
        ann,
        {"account_id": str(ann)},
        None,
        "",
    )


def test_the_owner_erases_a_customer_and_the_entry_keeps_who_asked(shop, call) -> None:
    ann_orders_and_pays(shop, call)

    response = call("post", erasure_of(shop, "ann"), "owner", HTTP_USER_AGENT="Back office 1.0")

    assert response.status_code == 202
    assert call("get", "/api/v1/me/", "ann").status_code == 401
    (erased,) = audit_entries(shop, "data_erased")
    owner, ann = shop.users["owner"].pk, shop.users["ann"].pk
    assert (erased.user_id, erased.detail, erased.ip_address, erased.user_agent) == (
        owner,
        {"account_id": str(ann)},
        "127.0.0.1",
        "Back office 1.0",
    )
    document = ok(call("get", export_of(shop, "ann"), "owner"))
    assert document["account"] == {
        "id": str(ann),
        "email": f"erased-{ann}@erased.invalid",
        "name": "",
        "role": "customer",
        "active": False,
        "date_joined": document["account"]["date_joined"],
        "last_login": None,
    }
    (order,) = document["orders"]
    assert order["shipping_address"] == {
        "name": "[erased]",
        "line1": "[erased]",
        "line2": "[erased]",
        "city": "[erased]",
        "postal_code": "[erased]",
        "country": "GB",
    }
    assert {e["payload"].get("shipping_address", {}).get("city") for e in order["events"]} == {
        "[erased]",
        None,
    }
    assert "last4" not in document["payments"][0]
    assert document["payments"][0]["amount"] == {"amount": "0.76", "currency": "USD"}


def test_erasing_an_erased_customer_again_changes_nothing_more(shop, call) -> None:
    ann_orders_and_pays(shop, call)
    assert call("post", erasure_of(shop, "ann"), "owner").status_code == 202
    first = ok(call("get", export_of(shop, "ann"), "owner"))

    again = call("post", erasure_of(shop, "ann"), "owner")

    assert again.status_code == 202
    second = ok(call("get", export_of(shop, "ann"), "owner"))
    assert {key: second[key] for key in ("account", "orders", "payments")} == {
        key: first[key] for key in ("account", "orders", "payments")
    }
    assert [entry.user_id for entry in audit_entries(shop, "data_erased")] == [
        shop.users["owner"].pk,
        shop.users["owner"].pk,
    ]


@pytest.mark.postgres
def test_an_erasure_locks_the_account_before_anything_else(shop, call) -> None:
    # A request of the customer's that locks the account waits for the whole erasure, and an
    # erasure waits for it: neither runs in the middle of the other (ADR 0022).
    ann_orders_and_pays(shop, call)

    with CaptureQueriesContext(connection) as queries:
        erased = call("post", erasure_of(shop, "ann"), "owner")

    assert erased.status_code == 202
    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert 'FROM "identity_user" WHERE' in locks[0], locks[0]
    assert shop.users["ann"].pk.hex in locks[0]
