"""The back office through its real sign-in form, CSRF enforced: a shop's staff see and change
only their own shop's rows, roles change only through owners, operators manage tenants."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse
from django.test import Client

from emporium.composition.customer_data import erase_customer
from emporium.identity.adapters.admin_site import EmporiumAdminSite
from emporium.identity.domain.roles import Role
from emporium.identity.models import AuditEvent, User
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.tenancy.models import Tenant, TenantSettings
from tests.testapps.tenant_probe.admin import ShelfAdmin
from tests.testapps.tenant_probe.models import Item, Shelf

PASSWORD = "a-long-test-password"
STAFF_EMAIL = "staff@example.com"  # the same e-mail in both shops: two accounts
CUSTOMER_EMAIL = "pat@example.com"
BAD_SIGN_IN = "Please enter the correct email and password for a staff account."
LAST_OWNER = "That would remove your own last owner role."


@dataclass
class Shop:
    ref: TenantRef
    owner: User
    staff: User
    customer: User
    shelves: dict[str, Shelf] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)

    def users(self) -> set[str]:
        return {str(user.pk) for user in (self.owner, self.staff, self.customer)}


def open_shop(ref: TenantRef, only_item: str) -> Shop:
    """Create a shop's accounts, shelves and items, with names the other shop uses too."""
    with tenant_context(ref), transaction.atomic():
        shop = Shop(
            ref,
            owner=User.objects.create_user(
                f"owner@{ref.slug}.example", PASSWORD, role=Role.OWNER, name="Olive Owner"
            ),
            staff=User.objects.create_user(STAFF_EMAIL, PASSWORD, role=Role.STAFF, name="Sam"),
            customer=User.objects.create_user(
                CUSTOMER_EMAIL, PASSWORD, role=Role.CUSTOMER, name="Pat"
            ),
        )
        for name in ("Main", "Sale"):
            shop.shelves[name] = Shelf.objects.create(name=name)
        for name, shelf in (("Hammer", "Main"), (only_item, "Sale")):
            shop.items[name] = Item.objects.create(name=name, shelf=shop.shelves[shelf])
    return shop


@pytest.fixture
def shops(acme_and_globex: tuple[TenantRef, TenantRef]) -> dict[str, Shop]:
    acme, globex = acme_and_globex
    return {"acme": open_shop(acme, "Saw"), "globex": open_shop(globex, "Drill")}


def token(client: Client) -> str:
    return client.cookies["csrftoken"].value


def sign_in(host: str, email: str, password: str = PASSWORD) -> tuple[Client, HttpResponse]:
    """Sign in through the admin's form as a browser would: GET it, POST it with its token."""
    client = Client(enforce_csrf_checks=True, HTTP_HOST=host)
    assert client.get("/admin/login/").status_code == 200
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": email, "password": password, "csrfmiddlewaretoken": token(client)},
    )
    return client, response


def signed_in(host: str, email: str, password: str = PASSWORD) -> Client:
    client, response = sign_in(host, email, password)
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    return client


def post(client: Client, url: str, data: dict[str, Any], **extra: Any) -> HttpResponse:
    return client.post(url, {**data, "csrfmiddlewaretoken": token(client)}, **extra)


def linked(response: HttpResponse, model: str) -> list[str]:
    """Return the primary keys a changelist links to, in the order of its rows."""
    assert response.status_code == 200
    found = re.findall(rf'href="/admin/{model}/([^/"]+)/change/', response.text)
    return list(dict.fromkeys(found))


def listed(response: HttpResponse, model: str) -> set[str]:
    """Return the primary keys a changelist links to."""
    return set(linked(response, model))


def options(response: HttpResponse, name: str) -> set[str]:
    """Return the values a form's ``<select name=...>`` offers (the blank one left out)."""
    assert response.status_code == 200
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', response.text, re.S)
    assert select is not None
    return set(re.findall(r'<option value="([^"]+)"', select.group(1)))


def pks(rows: dict[str, Any]) -> set[str]:
    return {str(row.pk) for row in rows.values()}


def role_of(shop: Shop, user: User) -> str | None:
    with tenant_context(shop.ref), transaction.atomic():
        return User.objects.get(pk=user.pk).role


def role_changes(shop: Shop) -> list[dict[str, Any]]:
    with tenant_context(shop.ref), transaction.atomic():
        return list(AuditEvent.objects.filter(event="role_changed").values("user_id", "detail"))


# --- signing in ---------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def test_the_sign_in_form_enforces_csrf_and_names_the_tenant(shops: dict[str, Shop]) -> None:
    client = Client(enforce_csrf_checks=True, HTTP_HOST="acme.localhost")
    page = client.get("/admin/login/")
    credentials = {"username": "owner@acme.example", "password": PASSWORD}

    assert "acme back office" in page.text
    assert client.post("/admin/login/", credentials).status_code == 403
    assert client.get("/admin/").status_code == 302  # still signed out
    signed = post(client, "/admin/login/?next=/admin/", credentials)
    assert (signed.status_code, signed["Location"]) == (302, "/admin/")
    assert client.get("/admin/").status_code == 200


def test_a_customer_cannot_enter_the_back_office(shops: dict[str, Shop]) -> None:
    client, response = sign_in("acme.localhost", CUSTOMER_EMAIL)

    assert response.status_code == 200
    assert BAD_SIGN_IN in response.text
    assert client.get("/admin/").status_code == 302


def test_an_owner_cannot_sign_in_on_another_shops_host(shops: dict[str, Shop]) -> None:
    client, response = sign_in("globex.localhost", "owner@acme.example")

    assert response.status_code == 200
    assert BAD_SIGN_IN in response.text
    # It says where the owner is and where to go, not whether the account exists elsewhere.
    assert (
        "This is the back office of the shop globex, for its owners and staff; staff of another "
        "shop sign in at &lt;shop&gt;.localhost/admin/, operators at localhost/admin/."
    ) in response.text
    assert client.get("/admin/").status_code == 302


def test_an_owner_on_the_platforms_host_is_told_where_shops_sign_in(
    shops: dict[str, Shop],
) -> None:
    client, response = sign_in("localhost", "owner@acme.example")

    assert response.status_code == 200
    assert BAD_SIGN_IN in response.text
    assert (
        "This is the platform&#x27;s back office, for operators; a shop&#x27;s owners and staff "
        "sign in at their shop&#x27;s address, such as &lt;shop&gt;.localhost/admin/."
    ) in response.text
    assert client.get("/admin/").status_code == 302


def test_a_session_is_good_only_on_the_host_it_was_made_on(shops: dict[str, Shop]) -> None:
    client = signed_in("acme.localhost", STAFF_EMAIL)

    assert client.get("/admin/").status_code == 200
    # The same cookie elsewhere: the account is not in globex, nor a platform operator.
    assert client.get("/admin/", HTTP_HOST="globex.localhost").status_code == 302
    assert client.get("/admin/", HTTP_HOST="localhost").status_code == 302


# --- every list, form, filter and URL of a signed-in staff member ------------------------------


@pytest.fixture
def acme_staff(shops: dict[str, Shop]) -> Client:
    return signed_in("acme.localhost", STAFF_EMAIL)


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("identity/user", ""),
        ("identity/user", "?q=example.com"),
        ("identity/user", "?q=Pat"),
        ("identity/user", "?role__exact=staff"),
        ("tenant_probe/shelf", ""),
        ("tenant_probe/shelf", "?q=Main"),
        ("tenant_probe/item", ""),
        ("tenant_probe/item", "?q=Hammer"),
        ("tenant_probe/item", "?q=Main"),  # through the shelf's name
    ],
)
def test_changelists_list_only_the_shops_own_rows(
    acme_staff: Client, shops: dict[str, Shop], model: str, query: str
) -> None:
    acme, globex = shops["acme"], shops["globex"]
    expected = {
        ("identity/user", ""): acme.users(),
        ("identity/user", "?q=example.com"): {str(acme.staff.pk), str(acme.customer.pk)},
        ("identity/user", "?q=Pat"): {str(acme.customer.pk)},
        ("identity/user", "?role__exact=staff"): {str(acme.staff.pk)},
        ("tenant_probe/shelf", ""): pks(acme.shelves),
        ("tenant_probe/shelf", "?q=Main"): {str(acme.shelves["Main"].pk)},
        ("tenant_probe/item", ""): pks(acme.items),
        ("tenant_probe/item", "?q=Hammer"): {str(acme.items["Hammer"].pk)},
        ("tenant_probe/item", "?q=Main"): {str(acme.items["Hammer"].pk)},
    }[(model, query)]

    theirs = {
        "identity/user": globex.users(),
        "tenant_probe/shelf": pks(globex.shelves),
        "tenant_probe/item": pks(globex.items),
    }[model]

    shown = listed(acme_staff.get(f"/admin/{model}/{query}"), model)

    assert shown == expected
    assert len(theirs) >= 2
    assert not shown & theirs


def test_foreign_key_choices_filters_and_autocomplete_offer_only_the_shops_shelves(
    acme_staff: Client, shops: dict[str, Shop]
) -> None:
    acme_shelves = pks(shops["acme"].shelves)
    hammer = shops["acme"].items["Hammer"]

    assert options(acme_staff.get("/admin/tenant_probe/item/add/"), "shelf") == acme_shelves
    change = acme_staff.get(f"/admin/tenant_probe/item/{hammer.pk}/change/")
    assert options(change, "shelf") == acme_shelves
    changelist = acme_staff.get("/admin/tenant_probe/item/").text
    assert set(re.findall(r"shelf__id__exact=(\d+)", changelist)) == acme_shelves
    found = acme_staff.get(
        "/admin/autocomplete/",
        {"app_label": "tenant_probe", "model_name": "item", "field_name": "shelf", "term": ""},
    )
    assert {row["id"] for row in found.json()["results"]} == acme_shelves


def test_another_shops_shelf_is_not_a_valid_choice(
    acme_staff: Client, shops: dict[str, Shop]
) -> None:
    globex_shelf = shops["globex"].shelves["Main"]

    response = post(
        acme_staff,
        "/admin/tenant_probe/item/add/",
        {"name": "Smuggled", "shelf": str(globex_shelf.pk), "quantity": "1", "_save": "Save"},
    )

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert Item.cross_tenant.filter(name="Smuggled").using("default").count() == 0


def test_staff_add_and_change_the_shops_own_items(
    acme_staff: Client, shops: dict[str, Shop]
) -> None:
    acme = shops["acme"]
    sale = acme.shelves["Sale"]

    added = post(
        acme_staff,
        "/admin/tenant_probe/item/add/",
        {"name": "Level", "shelf": str(sale.pk), "quantity": "3", "_save": "Save"},
    )

    assert (added.status_code, added["Location"]) == (302, "/admin/tenant_probe/item/")
    with tenant_context(acme.ref), transaction.atomic():
        item = Item.objects.get(name="Level")
        assert (item.tenant_id, item.shelf_id, item.quantity) == (acme.ref.id, sale.pk, 3)


@pytest.mark.parametrize(
    "path",
    [
        "tenant_probe/item/{item}/change/",
        "tenant_probe/item/{item}/delete/",
        "tenant_probe/item/{item}/history/",
        "tenant_probe/shelf/{shelf}/change/",
        "identity/user/{user}/change/",
        "identity/user/{user}/password/",
        "identity/user/{user}/history/",
    ],
)
def test_another_shops_objects_are_404_on_every_url(
    acme_staff: Client, shops: dict[str, Shop], path: str
) -> None:
    globex = shops["globex"]
    url = "/admin/" + path.format(
        item=globex.items["Hammer"].pk, shelf=globex.shelves["Main"].pk, user=globex.staff.pk
    )

    assert acme_staff.get(url).status_code == 404
    assert post(acme_staff, url, {"name": "taken", "_save": "Save"}).status_code == 404
    with tenant_context(globex.ref), transaction.atomic():
        assert Item.objects.get(pk=globex.items["Hammer"].pk).name == "Hammer"
        assert User.objects.get(pk=globex.staff.pk).name == "Sam"


def test_tenants_and_the_audit_log_are_not_in_a_staff_members_back_office(
    acme_staff: Client,
) -> None:
    index = acme_staff.get("/admin/")

    assert index.status_code == 200
    assert "/admin/tenant_probe/item/" in index.text
    assert "/admin/tenancy/" not in index.text
    assert "/admin/identity/auditevent/" not in index.text
    assert "/admin/auth/" not in index.text  # third-party admins are left out entirely
    assert acme_staff.get("/admin/tenancy/tenant/").status_code == 403
    assert acme_staff.get("/admin/identity/auditevent/").status_code == 403
    assert acme_staff.get("/admin/axes/accessattempt/").status_code == 404


# --- roles ----------------------------------------------------------------------------------


def test_staff_cannot_raise_their_own_role(acme_staff: Client, shops: dict[str, Shop]) -> None:
    acme = shops["acme"]
    url = f"/admin/identity/user/{acme.staff.pk}/change/"

    response = post(acme_staff, url, {"name": "Samuel", "role": "owner", "_save": "Save"})

    assert response.status_code == 302
    with tenant_context(acme.ref), transaction.atomic():
        assert User.objects.filter(pk=acme.staff.pk).values_list("name", "role").get() == (
            "Samuel",
            "staff",
        )
    assert role_changes(acme) == []


def test_staff_cannot_change_a_customers_role_but_may_rename_them(
    acme_staff: Client, shops: dict[str, Shop]
) -> None:
    acme = shops["acme"]
    url = f"/admin/identity/user/{acme.customer.pk}/change/"
    data = {"name": "Patricia", "role": "owner", "email": "me@evil.example", "is_active": "on"}

    response = post(acme_staff, url, {**data, "_save": "Save"})

    assert response.status_code == 302
    with tenant_context(acme.ref), transaction.atomic():
        customer = User.objects.get(pk=acme.customer.pk)
        assert (customer.name, customer.role, customer.email) == (
            "Patricia",
            "customer",
            CUSTOMER_EMAIL,
        )
    assert role_changes(acme) == []


def test_staff_cannot_change_an_owners_account_nor_set_passwords(
    acme_staff: Client, shops: dict[str, Shop]
) -> None:
    acme = shops["acme"]
    owner_url = f"/admin/identity/user/{acme.owner.pk}/change/"
    data = {"email": "owner@acme.example", "name": "x", "role": "staff", "is_active": ""}

    assert acme_staff.get(owner_url).status_code == 200  # seen, read-only
    assert post(acme_staff, owner_url, {**data, "_save": "Save"}).status_code == 403
    password_url = f"/admin/identity/user/{acme.customer.pk}/password/"
    assert acme_staff.get(password_url).status_code == 403
    assert acme_staff.get("/admin/identity/user/add/").status_code == 403
    assert role_of(acme, acme.owner) == "owner"
    assert role_changes(acme) == []


def owner_form(user: User, **changes: str) -> dict[str, str]:
    data = {"email": user.email, "name": user.name, "role": user.role or "", "is_active": "on"}
    return {**data, **changes, "_save": "Save"}


def test_an_owner_makes_staff_an_owner_through_the_audited_use_case(shops: dict[str, Shop]) -> None:
    acme = shops["acme"]
    owner = signed_in("acme.localhost", "owner@acme.example")
    url = f"/admin/identity/user/{acme.staff.pk}/change/"

    response = post(owner, url, owner_form(acme.staff, role="owner"))

    assert (response.status_code, response["Location"]) == (302, "/admin/identity/user/")
    assert role_of(acme, acme.staff) == "owner"
    assert role_changes(acme) == [
        {
            "user_id": acme.owner.pk,
            "detail": {
                "account_id": str(acme.staff.pk),
                "old": "staff",
                "new": "owner",
            },
        }
    ]
    assert role_changes(shops["globex"]) == []


def test_demoting_the_last_owner_is_refused_with_a_message(shops: dict[str, Shop]) -> None:
    acme = shops["acme"]
    owner = signed_in("acme.localhost", "owner@acme.example")
    url = f"/admin/identity/user/{acme.owner.pk}/change/"

    response = post(owner, url, owner_form(acme.owner, role="staff", name="Renamed"), follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert LAST_OWNER in response.text
    with tenant_context(acme.ref), transaction.atomic():
        # Nothing of the form was saved, the name included.
        assert User.objects.filter(pk=acme.owner.pk).values_list("name", "role").get() == (
            "Olive Owner",
            "owner",
        )
    assert role_changes(acme) == []


def test_an_owner_sets_a_password_and_adds_an_account_to_the_shop(shops: dict[str, Shop]) -> None:
    acme = shops["acme"]
    owner = signed_in("acme.localhost", "owner@acme.example")
    new_password = "another-long-password-9"

    changed = post(
        owner,
        f"/admin/identity/user/{acme.staff.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    added = post(
        owner,
        "/admin/identity/user/add/",
        {
            "email": "New@Acme.example",
            "name": "Nell",
            "role": "staff",
            "password1": new_password,
            "password2": new_password,
            "_save": "Save",
        },
    )

    assert changed.status_code == 302
    assert added.status_code == 302
    with tenant_context(acme.ref), transaction.atomic():
        assert User.objects.get(pk=acme.staff.pk).check_password(new_password)
        new = User.objects.get(email="new@acme.example")
        assert (new.tenant_id, new.role, new.name) == (acme.ref.id, "staff", "Nell")
    signed_in("acme.localhost", "new@acme.example", new_password)
    signed_in("acme.localhost", STAFF_EMAIL, new_password)


def test_an_erased_account_is_read_only_to_everyone_in_the_back_office(
    shops: dict[str, Shop],
) -> None:
    # Nothing there may bring back its e-mail, its name or a way to sign in (ADR 0022).
    acme = shops["acme"]
    with tenant_context(acme.ref), transaction.atomic():
        erase_customer(acme.customer.pk, actor_id=acme.owner.pk)
        erased = User.objects.get(pk=acme.customer.pk)
    assert erased.erased_at is not None
    owner = signed_in("acme.localhost", "owner@acme.example")
    url = f"/admin/identity/user/{erased.pk}/change/"
    new_password = "another-long-password-9"

    page = owner.get(url)
    changed = post(owner, url, owner_form(erased, email=CUSTOMER_EMAIL, name="Pat"))
    password_form = owner.get(f"/admin/identity/user/{erased.pk}/password/")
    password_set = post(
        owner,
        f"/admin/identity/user/{erased.pk}/password/",
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )

    assert page.status_code == 200  # seen, read-only: no form to save
    assert 'name="_save"' not in page.text
    assert (changed.status_code, password_form.status_code, password_set.status_code) == (
        403,
        403,
        403,
    )
    with tenant_context(acme.ref), transaction.atomic():
        row = User.objects.get(pk=erased.pk)
    assert (row.email, row.name, row.is_active, row.has_usable_password()) == (
        erased.email,
        "",
        False,
        False,
    )
    assert sign_in("acme.localhost", CUSTOMER_EMAIL, new_password)[1].status_code == 200


# --- the audit log --------------------------------------------------------------------------


def test_an_owner_reads_the_shops_own_sign_in_events_only(shops: dict[str, Shop]) -> None:
    acme, globex = shops["acme"], shops["globex"]
    signed_in("globex.localhost", "owner@globex.example")
    signed_in("globex.localhost", STAFF_EMAIL)
    signed_in("acme.localhost", STAFF_EMAIL)
    owner = signed_in("acme.localhost", "owner@acme.example")

    shown = listed(owner.get("/admin/identity/auditevent/"), "identity/auditevent")
    searched = listed(
        owner.get("/admin/identity/auditevent/", {"q": STAFF_EMAIL}), "identity/auditevent"
    )

    with tenant_context(acme.ref), transaction.atomic():
        own = list(AuditEvent.objects.order_by("id").values_list("id", "event", "user_id"))
    with tenant_context(globex.ref), transaction.atomic():
        theirs = {str(pk) for pk in AuditEvent.objects.values_list("id", flat=True)}
    assert [(event, account) for _, event, account in own] == [
        ("sign_in_succeeded", acme.staff.pk),
        ("sign_in_succeeded", acme.owner.pk),
    ]
    assert len(theirs) == 2
    assert shown == {str(pk) for pk, _, _ in own}
    assert searched == {str(own[0][0])}
    assert not (shown | searched) & theirs
    newest_first = [str(pk) for pk, _, _ in reversed(own)]
    assert linked(owner.get("/admin/identity/auditevent/"), "identity/auditevent") == newest_first


# --- the site's own rules -------------------------------------------------------------------


def test_the_site_refuses_a_tenant_owned_model_without_the_tenant_admin() -> None:
    site = EmporiumAdminSite(name="probe")

    with pytest.raises(ImproperlyConfigured):
        site.register(Shelf, ModelAdmin)
    site.register(Group)  # a third-party app's model: left out
    site.register(Shelf, ShelfAdmin)

    assert list(site._registry) == [Shelf]


# --- platform operators ---------------------------------------------------------------------

OPERATOR = "operator@example.com"
BOTH_DATABASES = pytest.mark.django_db(transaction=True, databases=["default", "admin"])


@pytest.fixture
def operator(acme_and_globex: tuple[TenantRef, TenantRef]) -> User:
    # No tenant: an operator's account belongs to the platform.
    with transaction.atomic():
        return User.objects.create_operator(OPERATOR, PASSWORD)


@BOTH_DATABASES
def test_an_operator_cannot_sign_in_on_a_tenant_host(operator: User) -> None:
    client, response = sign_in("acme.localhost", OPERATOR)

    assert response.status_code == 200
    assert BAD_SIGN_IN in response.text
    assert "operators at localhost/admin/." in response.text
    assert client.get("/admin/").status_code == 302


@BOTH_DATABASES
def test_an_operator_sees_tenants_and_no_shops_data(operator: User) -> None:
    client = signed_in("localhost", OPERATOR)
    acme = Tenant.objects.get(slug="acme")

    index = client.get("/admin/")
    tenants = client.get("/admin/tenancy/tenant/")
    detail = client.get(f"/admin/tenancy/tenant/{acme.pk}/change/")

    assert "Emporium platform" in index.text
    assert "/admin/tenancy/tenant/" in index.text
    assert "/admin/tenant_probe/" not in index.text
    assert "/admin/identity/user/" not in index.text
    assert "/admin/identity/auditevent/" in index.text  # every shop's entries, read-only
    assert listed(tenants, "tenancy/tenant") == {
        str(pk) for pk in Tenant.objects.values_list("pk", flat=True)
    }
    assert detail.status_code == 200
    assert re.search(r'<div class="readonly">USD</div>', detail.text)
    assert client.get("/admin/tenant_probe/shelf/").status_code == 403
    assert client.get("/admin/identity/user/").status_code == 403


@BOTH_DATABASES
def test_an_operator_suspends_and_reactivates_a_tenant(operator: User) -> None:
    client = signed_in("localhost", OPERATOR)
    acme = Tenant.objects.get(slug="acme")
    assert Client().get("/admin/login/", HTTP_HOST="acme.localhost").status_code == 200

    def act(action: str) -> HttpResponse:
        return post(
            client,
            "/admin/tenancy/tenant/",
            {"action": action, "_selected_action": [str(acme.pk)], "index": "0"},
            follow=True,
        )

    suspended = act("suspend")

    assert "Tenant acme suspended." in suspended.text
    assert Tenant.objects.get(slug="acme").status == "suspended"
    assert Client().get("/admin/login/", HTTP_HOST="acme.localhost").status_code == 403
    assert Client().get("/admin/login/", HTTP_HOST="globex.localhost").status_code == 200
    assert "Tenant acme is already suspended." in act("suspend").text
    act("reactivate")
    assert Client().get("/admin/login/", HTTP_HOST="acme.localhost").status_code == 200


@BOTH_DATABASES
def test_an_operator_creates_a_tenant_through_the_use_case(operator: User) -> None:
    client = signed_in("localhost", OPERATOR)
    data = {"slug": "initech", "name": "Initech", "currency": "EUR"}
    form = client.get("/admin/tenancy/tenant/add/")
    assert form.status_code == 200
    assert options(form, "currency") >= {"EUR", "JPY", "USD"}

    created = post(client, "/admin/tenancy/tenant/add/", data)
    again = post(client, "/admin/tenancy/tenant/add/", data)
    reserved = post(client, "/admin/tenancy/tenant/add/", {**data, "slug": "admin"})

    assert (created.status_code, created["Location"]) == (302, "/admin/tenancy/tenant/")
    initech = Tenant.objects.get(slug="initech")
    assert (initech.name, initech.status) == ("Initech", "active")
    settings = TenantSettings.cross_tenant.get(tenant_id=initech.pk)
    assert (settings.currency, len(settings.webhook_secret)) == ("EUR", 64)
    assert again.status_code == 200
    assert "Tenant with this Slug already exists." in again.text
    assert reserved.status_code == 200
    assert "not reserved" in reserved.text
    assert Tenant.objects.count() == 3
