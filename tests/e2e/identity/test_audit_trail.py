"""Each audited act, done through the API or the back office as a user would, then its entry
read back where its readers read it: the shop's owner with ``GET /api/v1/audit/``, operators in
the platform's back office."""

from __future__ import annotations

import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from emporium.identity.adapters import audit
from emporium.identity.models import AccessToken, AuditEvent, User
from emporium.multitenancy.context import tenant_context
from emporium.payments.models import Refund
from tests.e2e.ordering.conftest import CALLERS, Shop, open_shop
from tests.e2e.payments.test_payments_api import card, pay, place, refund
from tests.e2e.payments.test_webhooks import event, paid, post, signed, usd
from tests.e2e.test_back_office import BOTH_DATABASES, OPERATOR, PASSWORD, owner_form
from tests.e2e.test_back_office import post as form_post
from tests.e2e.test_back_office import sign_in as admin_sign_in

pytestmark = pytest.mark.django_db

ACCOUNT_PASSWORD = "correct horse 42"  # make_account's
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0"


@pytest.fixture
def shop(acme_and_globex, make_account) -> Shop:
    return open_shop(acme_and_globex, make_account, [*CALLERS, ("owner", "owner")])


def call(shop: Shop, method: str, url: str, who: str | None, body: Any = None, **headers: Any):
    headers.setdefault("HTTP_HOST", "acme.localhost")
    headers.setdefault("HTTP_USER_AGENT", BROWSER)
    if who:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {shop.tokens[who]}"
    return getattr(Client(REMOTE_ADDR="198.51.100.7"), method)(
        url, body, content_type="application/json", **headers
    )


def entries(shop: Shop, kind: str) -> list[dict[str, Any]]:
    """Return the entries of ``kind`` the acme owner reads, newest first."""
    response = shop.call("get", f"/api/v1/audit/?type={kind}&page_size=100", "owner")
    assert response.status_code == 200
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def only(shop: Shop, kind: str) -> dict[str, Any]:
    found = entries(shop, kind)
    assert len(found) == 1, found
    entry = found[0]
    assert entry["type"] == kind
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", entry["occurred_at"])
    return entry


def actor(account: Any) -> dict[str, Any]:
    return {"account_id": str(account.pk), "email_hash": None}


def token_of(shop: Shop, email: str) -> AccessToken:
    with tenant_context(shop.acme):
        return AccessToken.objects.filter(user__email=email).latest("created_at")


# --- signing in and tokens ----------------------------------------------------------------------


def test_a_sign_in_through_the_api_is_audited_with_who_where_and_which_request(shop) -> None:
    response = call(
        shop,
        "post",
        "/api/v1/auth/token/",
        None,
        {"email": "ann@shop.example", "password": ACCOUNT_PASSWORD},
        HTTP_X_REQUEST_ID="req-sign-in-1",
    )
    assert response.status_code == 200

    signed_in, issued = only(shop, "sign_in_succeeded"), only(shop, "token_issued")
    ann = shop.users["ann"]
    assert {k: v for k, v in signed_in.items() if k not in ("id", "occurred_at")} == {
        "type": "sign_in_succeeded",
        "actor": actor(ann),
        "ip": "198.51.100.7",
        "user_agent": BROWSER,
        "request_id": "req-sign-in-1",
        "details": {"via": "token"},
    }
    assert issued["actor"] == actor(ann)
    assert issued["request_id"] == "req-sign-in-1"
    assert issued["details"] == {"token": str(token_of(shop, "ann@shop.example").pk)}
    assert issued["id"] > signed_in["id"]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "ip"),
    [
        (0, "203.0.113.9, 198.51.100.20", "10.0.0.1"),  # no proxy trusted: the header is ignored
        (1, "203.0.113.9, 198.51.100.20", "198.51.100.20"),  # the balancer's entry, not spoofed
        (2, "203.0.113.9, 198.51.100.20", "203.0.113.9"),
        (1, "203.0.113.9, not-an-address", None),  # a misconfigured proxy: no address, no 500
    ],
)
def test_the_address_is_the_clients_behind_trusted_proxies_as_the_throttles_read_it(
    shop, settings, proxies: int, forwarded: str, ip: str | None
) -> None:
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": proxies}
    body = {"email": "ann@shop.example", "password": "wrong"}

    response = Client(REMOTE_ADDR="10.0.0.1").post(
        "/api/v1/auth/token/",
        body,
        content_type="application/json",
        HTTP_HOST="acme.localhost",
        HTTP_X_FORWARDED_FOR=forwarded,
    )

    assert response.status_code == 401
    assert only(shop, "sign_in_failed")["ip"] == ip


def test_a_sign_in_to_the_back_office_is_audited(shop) -> None:
    client = Client(HTTP_HOST="acme.localhost", HTTP_USER_AGENT=BROWSER)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": "owner@shop.example", "password": ACCOUNT_PASSWORD},
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/")

    entry = only(shop, "sign_in_succeeded")
    assert entry["actor"] == actor(shop.users["owner"])
    assert (entry["ip"], entry["user_agent"], entry["details"]) == (
        "127.0.0.1",
        BROWSER,
        {"via": "session"},
    )


def test_a_failed_sign_in_names_the_account_by_id_never_by_e_mail(shop) -> None:
    body = {"email": "Ann@Shop.example", "password": "wrong"}
    assert call(shop, "post", "/api/v1/auth/token/", None, body).status_code == 401

    entry = only(shop, "sign_in_failed")
    assert entry["actor"] == actor(shop.users["ann"])
    assert entry["details"] == {"locked_out": False}
    assert "shop.example" not in json.dumps(entry)


def test_a_failed_sign_in_for_an_unknown_address_keeps_only_its_keyed_hash(shop) -> None:
    for email in ("nobody@else.example", " NoBody@Else.example"):
        body = {"email": email, "password": "wrong"}
        assert call(shop, "post", "/api/v1/auth/token/", None, body).status_code == 401

    found = entries(shop, "sign_in_failed")
    expected = audit.email_hash("nobody@else.example")
    assert [entry["actor"] for entry in found] == [{"account_id": None, "email_hash": expected}] * 2
    assert len(expected) == 64
    assert expected != audit.email_hash("nobody@other.example")
    assert "else.example" not in json.dumps(found).lower()
    with tenant_context(shop.acme):
        assert (
            "else.example" not in json.dumps(list(AuditEvent.objects.values()), default=str).lower()
        )


def test_a_lockout_is_audited(shop) -> None:
    body = {"email": "ann@shop.example", "password": "wrong"}
    statuses = [call(shop, "post", "/api/v1/auth/token/", None, body).status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]

    entry = only(shop, "locked_out")
    assert entry["actor"] == actor(shop.users["ann"])
    assert entry["ip"] == "198.51.100.7"
    assert len(entries(shop, "sign_in_failed")) == 5


def test_revoking_a_token_is_audited(shop) -> None:
    revoked = token_of(shop, "bob@shop.example")

    response = call(shop, "delete", "/api/v1/auth/token/", "bob", HTTP_X_REQUEST_ID="req-out")

    assert response.status_code == 204
    entry = only(shop, "token_revoked")
    assert entry["actor"] == actor(shop.users["bob"])
    assert (entry["request_id"], entry["details"]) == ("req-out", {"token": str(revoked.pk)})


# --- the shop's management ----------------------------------------------------------------------


def test_a_role_change_in_the_back_office_is_audited(shop) -> None:
    staff = shop.users["staff"]
    client, response = admin_sign_in("acme.localhost", "owner@shop.example", ACCOUNT_PASSWORD)
    assert response.status_code == 302

    changed = form_post(
        client, f"/admin/identity/user/{staff.pk}/change/", owner_form(staff, role="owner")
    )

    assert changed.status_code == 302
    entry = only(shop, "role_changed")
    assert entry["actor"] == actor(shop.users["owner"])
    assert entry["details"] == {"account_id": str(staff.pk), "old": "staff", "new": "owner"}
    assert entry["ip"] == "127.0.0.1"


def test_an_account_added_with_a_staff_role_is_a_role_change_from_none(shop) -> None:
    client, _ = admin_sign_in("acme.localhost", "owner@shop.example", ACCOUNT_PASSWORD)
    password = "another-long-password-9"

    def add(email: str, role: str):
        form = {"email": email, "name": "N", "role": role, "password1": password}
        return form_post(client, "/admin/identity/user/add/", {**form, "password2": password})

    assert add("new-owner@shop.example", "owner").status_code == 302
    assert add("new-customer@shop.example", "customer").status_code == 302

    with tenant_context(shop.acme):
        added = User.objects.get(email="new-owner@shop.example")
    entry = only(shop, "role_changed")  # the customer's account grants nothing: no entry
    assert entry["actor"] == actor(shop.users["owner"])
    assert entry["details"] == {"account_id": str(added.pk), "old": None, "new": "owner"}
    assert entry["ip"] == "127.0.0.1"


def test_an_owner_setting_an_accounts_password_is_audited(shop) -> None:
    staff = shop.users["staff"]
    client, _ = admin_sign_in("acme.localhost", "owner@shop.example", ACCOUNT_PASSWORD)
    url = f"/admin/identity/user/{staff.pk}/password/"
    form = {"password1": "another-long-password-9", "usable_password": "true"}

    refused = form_post(client, url, {**form, "password2": "a different one"})
    response = form_post(client, url, {**form, "password2": "another-long-password-9"})

    assert (refused.status_code, response.status_code) == (200, 302)
    entry = only(shop, "password_set")  # the refused form set nothing: no entry
    assert entry["actor"] == actor(shop.users["owner"])
    assert entry["details"] == {"account_id": str(staff.pk)}
    assert entry["ip"] == "127.0.0.1"


def test_an_accounts_e_mail_and_active_flag_changes_are_audited_by_key(shop) -> None:
    ann, staff = shop.users["ann"], shop.users["staff"]
    owner, _ = admin_sign_in("acme.localhost", "owner@shop.example", ACCOUNT_PASSWORD)
    staffer, _ = admin_sign_in("acme.localhost", "staff@shop.example", ACCOUNT_PASSWORD)
    url = f"/admin/identity/user/{ann.pk}/change/"

    renamed = form_post(owner, url, owner_form(ann, name="Ann Other"))  # not an access change
    taken = form_post(owner, url, owner_form(ann, email="ANN@elsewhere.example"))
    ann.email = "ann@elsewhere.example"
    off = owner_form(ann)
    del off["is_active"]  # an unticked box is not sent
    deactivated = form_post(staffer, url, off)

    assert [r.status_code for r in (renamed, taken, deactivated)] == [302, 302, 302]
    assert [(e["actor"], e["details"]) for e in entries(shop, "account_changed")] == [
        (actor(staff), {"account_id": str(ann.pk), "changed": ["is_active"]}),
        (actor(shop.users["owner"]), {"account_id": str(ann.pk), "changed": ["email"]}),
    ]


def test_a_settings_change_is_audited_with_the_keys_that_changed(shop) -> None:
    change = {"name": "Acme Two", "time_zone": "Europe/Berlin", "currency": "USD"}

    assert call(shop, "patch", "/api/v1/settings/", "owner", change).status_code == 200
    assert call(shop, "patch", "/api/v1/settings/", "owner", change).status_code == 200  # same
    bad = call(shop, "patch", "/api/v1/settings/", "owner", {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 400

    entry = only(shop, "settings_changed")  # the unchanged and the refused leave none
    assert entry["actor"] == actor(shop.users["owner"])
    assert entry["details"] == {"changed": ["name", "time_zone"]}
    assert entry["user_agent"] == BROWSER


def test_a_refund_through_the_api_is_audited(shop) -> None:
    order = place(shop)
    payment = pay(shop, order["id"], card()).json()

    response = refund(shop, payment["id"], {"amount": usd("10.00")})

    assert response.status_code == 201
    entry = only(shop, "refund_created")
    assert entry["actor"] == actor(shop.users["staff"])
    assert entry["details"] == {
        "refund_id": response.json()["id"],
        "payment_id": payment["id"],
        "amount": usd("10.00"),
        "restock": False,
    }


def test_a_refund_in_the_back_office_is_audited(shop) -> None:
    payment = paid(shop)  # 50.33 USD
    client, _ = admin_sign_in("acme.localhost", "staff@shop.example", ACCOUNT_PASSWORD)

    response = form_post(
        client,
        "/admin/payments/payment/",
        {"action": "refund_rest", "_selected_action": [str(payment.pk)], "index": "0"},
    )

    assert response.status_code == 302
    with tenant_context(shop.acme):
        refund_id = Refund.objects.get(payment_id=payment.pk).pk
    entry = only(shop, "refund_created")
    assert entry["actor"] == actor(shop.users["staff"])
    assert entry["ip"] == "127.0.0.1"
    assert entry["details"] == {
        "refund_id": str(refund_id),
        "payment_id": str(payment.pk),
        "amount": usd("50.33"),
        "restock": False,
    }


def test_a_refund_made_at_the_provider_is_audited(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("5.00"), event_id="evt_refund_1")

    response = post(body, signed(shop, body))

    assert response.json()["status"] == "applied"
    entry = only(shop, "refund_created")
    assert entry["actor"] == {"account_id": None, "email_hash": None}
    assert entry["details"] == {
        "via": "webhook",
        "provider": "card",
        "event_id": "evt_refund_1",
        "amount": usd("5.00"),
    }


def test_a_webhook_with_a_wrong_signature_is_audited(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("5.00"))

    response = post(body, signed(shop, body, secret="not-the-shop-secret"))

    assert response.status_code == 401
    entry = only(shop, "webhook_signature_failed")
    assert entry["actor"] == {"account_id": None, "email_hash": None}
    assert entry["details"] == {"provider": "card", "reason": "The X-Signature does not match."}
    assert entries(shop, "refund_created") == []


def test_a_denied_permission_is_audited(shop) -> None:
    assert call(shop, "get", "/api/v1/audit/", "staff").status_code == 403
    assert call(shop, "get", "/api/v1/settings/", "ann").status_code == 403

    found = entries(shop, "permission_denied")
    assert [(e["actor"], e["details"]) for e in found] == [
        (actor(shop.users["ann"]), {"method": "GET", "path": "/api/v1/settings/"}),
        (actor(shop.users["staff"]), {"method": "GET", "path": "/api/v1/audit/"}),
    ]


def test_a_403_raised_by_a_view_itself_is_audited(shop) -> None:
    order = place(shop)

    response = pay(shop, order["id"], card(), who="staff")  # staff may not pay a customer's order

    assert response.status_code == 403
    entry = only(shop, "permission_denied")
    assert entry["actor"] == actor(shop.users["staff"])
    assert entry["details"] == {"method": "POST", "path": f"/api/v1/orders/{order['id']}/payments/"}


def test_a_403_in_the_back_office_is_audited(shop) -> None:
    staff, _ = admin_sign_in("acme.localhost", "staff@shop.example", ACCOUNT_PASSWORD)
    owner, _ = admin_sign_in("acme.localhost", "owner@shop.example", ACCOUNT_PASSWORD)
    ann = shop.users["ann"]

    assert staff.get("/admin/identity/auditevent/").status_code == 403
    assert staff.get(f"/admin/identity/user/{ann.pk}/password/").status_code == 403
    assert owner.get("/admin/identity/auditevent/add/").status_code == 403

    found = entries(shop, "permission_denied")
    assert [(e["actor"], e["details"], e["ip"]) for e in found] == [
        (
            actor(shop.users["owner"]),
            {"method": "GET", "path": "/admin/identity/auditevent/add/"},
            "127.0.0.1",
        ),
        (
            actor(shop.users["staff"]),
            {"method": "GET", "path": f"/admin/identity/user/{ann.pk}/password/"},
            "127.0.0.1",
        ),
        (
            actor(shop.users["staff"]),
            {"method": "GET", "path": "/admin/identity/auditevent/"},
            "127.0.0.1",
        ),
    ]


def test_a_refusal_of_an_anonymous_caller_is_not_a_denied_permission(shop) -> None:
    assert call(shop, "get", "/api/v1/audit/", None).status_code == 401
    assert Client(HTTP_HOST="acme.localhost").get("/admin/identity/auditevent/").status_code == 302

    assert entries(shop, "permission_denied") == []


# --- the platform -------------------------------------------------------------------------------


@pytest.fixture
def operator(acme_and_globex) -> User:
    with transaction.atomic():  # no tenant: an operator belongs to the platform
        return User.objects.create_operator(OPERATOR, PASSWORD)


def platform_entries() -> list[tuple[str, str | None, dict[str, Any]]]:
    return [
        (row.event, str(row.user_id) if row.user_id else None, row.detail)
        for row in AuditEvent.everywhere.using("admin").filter(tenant__isnull=True).order_by("id")
        if row.event.startswith("tenant_")
    ]


@BOTH_DATABASES
def test_an_operator_suspending_and_reactivating_a_shop_is_in_the_platforms_audit(
    operator, acme_and_globex
) -> None:
    acme = acme_and_globex[0]
    client, response = admin_sign_in("localhost", OPERATOR, PASSWORD)
    assert response.status_code == 302
    for action in ("suspend", "reactivate"):
        form_post(
            client,
            "/admin/tenancy/tenant/",
            {"action": action, "_selected_action": [str(acme.id)], "index": "0"},
        )

    assert platform_entries() == [
        ("tenant_suspended", str(operator.pk), {"tenant": "acme", "via": "admin"}),
        ("tenant_reactivated", str(operator.pk), {"tenant": "acme", "via": "admin"}),
    ]
    page = client.get("/admin/identity/auditevent/?event=tenant_suspended")
    assert page.status_code == 200
    assert len(re.findall(r'href="/admin/identity/auditevent/(\d+)/change/', page.text)) == 1


@BOTH_DATABASES
def test_suspending_a_shop_with_the_command_is_in_the_platforms_audit(acme_and_globex) -> None:
    call_command("tenants", "suspend", "globex", stdout=StringIO())

    assert platform_entries() == [
        ("tenant_suspended", None, {"tenant": "globex", "via": "command"})
    ]


# --- read only everywhere -----------------------------------------------------------------------


def test_the_back_office_shows_entries_to_owners_read_only(shop) -> None:
    body = {"email": "ann@shop.example", "password": "wrong"}
    call(shop, "post", "/api/v1/auth/token/", None, body)
    pk = only(shop, "sign_in_failed")["id"]
    owner, _ = admin_sign_in("acme.localhost", "owner@shop.example", ACCOUNT_PASSWORD)
    staff, _ = admin_sign_in("acme.localhost", "staff@shop.example", ACCOUNT_PASSWORD)
    url = f"/admin/identity/auditevent/{pk}/"

    listing = owner.get("/admin/identity/auditevent/")
    detail = owner.get(url + "change/")

    assert listing.status_code == 200
    assert f'href="{url}change/"' in listing.text
    assert 'name="action"' not in listing.text  # no bulk delete
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.text
    assert form_post(owner, url + "change/", {"event": "forged"}).status_code == 403
    assert owner.get(url + "delete/").status_code == 403
    assert form_post(owner, url + "delete/", {"post": "yes"}).status_code == 403
    assert owner.get("/admin/identity/auditevent/add/").status_code == 403
    assert staff.get("/admin/identity/auditevent/").status_code == 403
    assert entries(shop, "sign_in_failed")[0]["type"] == "sign_in_failed"
    with tenant_context(shop.acme):
        assert AuditEvent.objects.filter(pk=pk, event="sign_in_failed").exists()


@BOTH_DATABASES
def test_operators_read_every_shops_entries_read_only(operator, acme_and_globex) -> None:
    acme, globex = acme_and_globex
    for host in ("acme.localhost", "globex.localhost"):
        Client().post(
            "/api/v1/auth/token/",
            {"email": "who@else.example", "password": "wrong"},
            content_type="application/json",
            HTTP_HOST=host,
        )
    client, _ = admin_sign_in("localhost", OPERATOR, PASSWORD)
    rows = list(AuditEvent.everywhere.using("admin").order_by("id"))

    listing = client.get("/admin/identity/auditevent/")
    shown = re.findall(r'href="/admin/identity/auditevent/(\d+)/change/', listing.text)

    assert {row.tenant_id for row in rows if row.event == "sign_in_failed"} == {acme.id, globex.id}
    assert sorted(int(pk) for pk in set(shown)) == [row.pk for row in rows]
    first = f"/admin/identity/auditevent/{rows[0].pk}/"
    assert client.get(first + "change/").status_code == 200
    assert client.get(first + "delete/").status_code == 403
    assert form_post(client, first + "change/", {"event": "forged"}).status_code == 403


@BOTH_DATABASES
def test_operators_find_a_shop_accounts_entries_by_its_e_mail(
    operator, acme_and_globex, make_account
) -> None:
    ann = make_account(acme_and_globex[0], "ann@shop.example", "customer")
    for host, email in [
        ("acme.localhost", "ann@shop.example"),  # ann's account: kept by id
        ("globex.localhost", "ann@shop.example"),  # no such account at globex: the keyed hash
        ("acme.localhost", "bob@shop.example"),
    ]:
        Client().post(
            "/api/v1/auth/token/",
            {"email": email, "password": "wrong"},
            content_type="application/json",
            HTTP_HOST=host,
        )
    client, _ = admin_sign_in("localhost", OPERATOR, PASSWORD)
    rows = AuditEvent.everywhere.using("admin").filter(event="sign_in_failed").order_by("id")
    by_account, by_hash, _ = (row.pk for row in rows)

    listing = client.get("/admin/identity/auditevent/", {"q": "Ann@Shop.example"})

    shown = re.findall(r'href="/admin/identity/auditevent/(\d+)/change/', listing.text)
    assert sorted(int(pk) for pk in set(shown)) == [by_account, by_hash]
    assert rows.get(pk=by_account).user_id == ann.pk
