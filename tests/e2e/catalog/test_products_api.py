"""``/api/v1/products/``: who sees and changes what, in the statuses and check order of API.md."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from emporium.catalog.models import Product
from emporium.multitenancy.context import tenant_context
from tests.e2e.catalog.conftest import BASE, PROBLEM, usd

pytestmark = pytest.mark.django_db
LIST = "/api/v1/products/"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
MISSING = "00000000-0000-4000-8000-000000000000"
NEW_MUG = {"name": "Mug", "description": "Holds tea.", "category_id": None, "price": usd("9.50")}


def url(product_id: str, action: str = "") -> str:
    return f"{LIST}{product_id}/" + (f"{action}/" if action else "")


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [product["name"] for product in response.json()["results"]]


def problem(status: int, code: str, detail: str, title: str | None = None) -> dict[str, object]:
    titles = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        422: "Business rule violated",
    }
    return {
        "type": BASE + code,
        "title": title or titles[status],
        "status": status,
        "detail": detail,
    }


@pytest.fixture
def catalog(shops, given_product, given_category):
    """acme: published Anvil and Bucket, draft Crate, archived Drum; globex: published Anvil."""
    tools = given_category(shops.acme, "Tools")
    hammers = given_category(shops.acme, "Hammers", tools)
    return {
        "tools": tools,
        "hammers": hammers,
        "anvil": given_product(shops.acme, "Anvil", price="120.00", category=tools),
        "bucket": given_product(
            shops.acme, "Bucket", price="4.25", description="Galvanised pail.", category=hammers
        ),
        "crate": given_product(shops.acme, "Crate", status="draft", description=""),
        "drum": given_product(shops.acme, "Drum", status="archived"),
        "globex_anvil": given_product(shops.globex, "Anvil", price="99.00"),
    }


# --- reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [None, "customer"])
def test_anonymous_and_customers_list_published_products_only(api, catalog, who) -> None:
    response = api("get", LIST, who)

    assert names(response) == ["Anvil", "Bucket"]
    anvil = response.json()["results"][0]
    assert {k: v for k, v in anvil.items() if not k.endswith("_at")} == {
        "id": catalog["anvil"],
        "name": "Anvil",
        "description": "A fine thing.",
        "category_id": catalog["tools"],
        "price": {"amount": "120.00", "currency": "USD"},
        "status": "published",
    }
    assert TIMESTAMP.match(anvil["created_at"])
    assert TIMESTAMP.match(anvil["updated_at"])
    assert (response.json()["next"], response.json()["previous"]) == (None, None)
    assert response["Vary"] == "Authorization"


@pytest.mark.parametrize("who", ["staff", "owner"])
def test_staff_and_owners_list_every_status(api, catalog, who) -> None:
    assert names(api("get", LIST, who)) == ["Anvil", "Bucket", "Crate", "Drum"]
    assert names(api("get", LIST + "?status=draft", who)) == ["Crate"]
    assert names(api("get", LIST + "?status=archived", who)) == ["Drum"]


@pytest.mark.parametrize("who", [None, "customer"])
def test_status_filter_of_customers_is_ignored(api, catalog, who) -> None:
    assert names(api("get", LIST + "?status=draft", who)) == ["Anvil", "Bucket"]
    assert names(api("get", LIST + "?status=bogus", who)) == ["Anvil", "Bucket"]


def test_an_unknown_status_is_a_field_error_for_staff(api, catalog) -> None:
    response = api("get", LIST + "?status=bogus", "staff")

    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ['"bogus" is not a valid choice.']}


def test_category_filter_includes_subcategories(api, catalog) -> None:
    assert names(api("get", LIST + f"?category={catalog['tools']}")) == ["Anvil", "Bucket"]
    assert names(api("get", LIST + f"?category={catalog['hammers']}")) == ["Bucket"]
    assert names(api("get", LIST + f"?category={MISSING}")) == []
    malformed = api("get", LIST + "?category=tools")
    assert malformed.status_code == 400
    assert malformed.json()["errors"] == {"category": ["Must be a valid UUID."]}


def test_search_matches_name_or_description_in_any_case(api, catalog) -> None:
    assert names(api("get", LIST + "?q=ANV")) == ["Anvil"]
    assert names(api("get", LIST + "?q=galvanised")) == ["Bucket"]
    assert names(api("get", LIST + "?q=fine")) == ["Anvil"]
    assert names(api("get", LIST + "?q=fine", "staff")) == ["Anvil", "Drum"]
    assert names(api("get", LIST + "?q=100%25")) == []  # % is a character, not a wildcard
    assert names(api("get", LIST + "?q=")) == ["Anvil", "Bucket"]


def test_another_tenants_products_are_never_listed(api, catalog) -> None:
    assert names(api("get", LIST, host="globex.localhost")) == ["Anvil"]
    globex = api("get", LIST, "globex-staff", host="globex.localhost").json()["results"]
    assert [(p["id"], p["price"]["amount"]) for p in globex] == [(catalog["globex_anvil"], "99.00")]


def test_pages_follow_name_then_id_and_link_both_ways(api, shops, given_product) -> None:
    for name in ["Echo", "Alpha", "Delta", "Bravo", "Charlie"]:
        given_product(shops.acme, name)

    first = api("get", LIST + "?page_size=2")
    second = api("get", _path(first.json()["next"]))
    third = api("get", _path(second.json()["next"]))
    back = api("get", _path(second.json()["previous"]))

    assert names(first) == ["Alpha", "Bravo"]
    assert names(second) == ["Charlie", "Delta"]
    assert names(third) == ["Echo"]
    assert third.json()["next"] is None
    assert first.json()["previous"] is None
    assert names(back) == ["Alpha", "Bravo"]


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


@pytest.mark.parametrize("cursor", ["not-a-cursor", "%00", "%25%25", "%C3%A9"])
def test_a_malformed_cursor_is_400(api, catalog, cursor) -> None:
    response = api("get", LIST + f"?cursor={cursor}")

    assert response.status_code == 400
    assert response.json()["errors"] == {"cursor": ["Invalid cursor."]}


@pytest.mark.parametrize("who", [None, "customer", "staff", "owner"])
def test_everyone_reads_a_published_product(api, catalog, who) -> None:
    response = api("get", url(catalog["bucket"]), who)

    assert response.status_code == 200
    assert response.json()["price"] == {"amount": "4.25", "currency": "USD"}
    assert response.json()["category_id"] == catalog["hammers"]


@pytest.mark.parametrize("who", [None, "customer"])
@pytest.mark.parametrize("product", ["crate", "drum"])
def test_drafts_and_archived_products_are_404_to_customers(api, catalog, who, product) -> None:
    response = api("get", url(catalog[product]), who)

    assert response.status_code == 404
    assert response["Content-Type"] == PROBLEM
    assert response.json() == problem(404, "not-found", "No such product.")


@pytest.mark.parametrize("who", ["staff", "owner"])
def test_staff_read_drafts_and_archived_products(api, catalog, who) -> None:
    assert api("get", url(catalog["crate"]), who).json()["status"] == "draft"
    assert api("get", url(catalog["drum"]), who).json()["status"] == "archived"


def test_another_tenants_product_is_404_even_to_staff(api, catalog) -> None:
    assert api("get", url(catalog["globex_anvil"]), "staff").status_code == 404
    assert api("get", url(catalog["anvil"]), host="globex.localhost").status_code == 404
    assert api("get", url(MISSING), "staff").status_code == 404
    assert api("get", LIST + "not-a-uuid/").status_code == 404


def test_a_bad_token_is_401_even_where_no_token_is_needed(api, catalog, shops) -> None:
    bad = api("get", LIST, token="emp_not-a-real-token")
    foreign = api("get", url(catalog["anvil"]), token=shops.tokens["globex-staff"])

    assert (bad.status_code, foreign.status_code) == (401, 401)
    assert bad["WWW-Authenticate"] == 'Bearer realm="api"'
    assert bad.json() == problem(401, "not-authenticated", "Invalid or expired token.")


# --- creating -----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff", "owner"])
def test_staff_create_a_draft_and_fields_they_must_not_set_are_ignored(api, shops, who) -> None:
    body = {**NEW_MUG, "status": "published", "id": MISSING, "tenant": "globex"}

    response = api("post", LIST, who, body)

    assert response.status_code == 201
    created = response.json()
    assert created["id"] != MISSING
    assert {k: v for k, v in created.items() if k not in {"id", "created_at", "updated_at"}} == {
        "name": "Mug",
        "description": "Holds tea.",
        "category_id": None,
        "price": {"amount": "9.50", "currency": "USD"},
        "status": "draft",
    }
    assert api("get", url(created["id"]), "staff").json() == created
    with tenant_context(shops.acme):
        assert list(Product.objects.values_list("name", "status")) == [("Mug", "draft")]
    with tenant_context(shops.globex):
        assert not Product.objects.exists()


def test_description_and_category_may_be_left_out(api, catalog) -> None:
    response = api("post", LIST, "staff", {"name": "Nail", "price": usd("0.10")})

    assert response.status_code == 201
    assert (response.json()["description"], response.json()["category_id"]) == ("", None)


def test_a_product_in_a_category(api, catalog) -> None:
    body = {**NEW_MUG, "category_id": catalog["hammers"]}

    response = api("post", LIST, "staff", body)

    assert response.status_code == 201
    assert response.json()["category_id"] == catalog["hammers"]


def test_customers_may_not_create_and_anonymous_must_sign_in(api, shops) -> None:
    refused = api("post", LIST, "customer", NEW_MUG)
    anonymous = api("post", LIST, None, NEW_MUG)

    assert refused.status_code == 403
    assert refused.json() == problem(403, "permission-denied", "Your role may not do this.")
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == 'Bearer realm="api"'
    # The role is checked before the body: an invalid body from a customer is still 403.
    assert api("post", LIST, "customer", {"price": 9.5}).status_code == 403


def test_a_taken_name_is_422_and_another_tenant_may_use_it(api, catalog) -> None:
    taken = api("post", LIST, "staff", {**NEW_MUG, "name": " Anvil "})

    assert taken.status_code == 422
    assert taken.json() == problem(422, "name-taken", "A product named 'Anvil' exists already.")
    other = api("post", LIST, "globex-staff", {**NEW_MUG, "name": "Bucket"}, "globex.localhost")
    assert other.status_code == 201
    shouted = api("post", LIST, "staff", {**NEW_MUG, "name": "ANVIL"})
    assert shouted.json() == problem(422, "name-taken", "A product named 'ANVIL' exists already.")


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"price": 9.5}, {"price": ['Expected an object with "amount" and "currency".']}),
        ({"price": 9}, {"price": ['Expected an object with "amount" and "currency".']}),
        (
            {"price": {"amount": 9.5, "currency": "USD"}},
            {"price.amount": ['The amount must be a string such as "19.99", not a number.']},
        ),
        (
            {"price": {"amount": "9.50", "currency": "EUR"}},
            {"price.currency": ["Expected an amount in USD, not EUR."]},
        ),
        ({"price": usd("-1.00")}, {"price.amount": ["The amount must not be negative."]}),
        (
            {"price": usd("9.505")},
            {"price.amount": ["9.505 has more decimal places than USD allows (2)."]},
        ),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"name": 42}, {"name": ["Not a valid string."]}),
        ({"name": "x" * 201}, {"name": ["Ensure this field has no more than 200 characters."]}),
        ({"category_id": "tools"}, {"category_id": ["Must be a valid UUID."]}),
        ({"category_id": MISSING}, {"category_id": ["No such category."]}),
    ],
)
def test_invalid_fields_are_400_with_field_errors(api, catalog, change, errors) -> None:
    response = api("post", LIST, "staff", {**NEW_MUG, **change})

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == errors
    assert response.json()["type"] == BASE + "validation-error"


def test_missing_fields_and_malformed_json_are_400(api, shops) -> None:
    missing = api("post", LIST, "staff", {})
    malformed = api("post", LIST, "staff", "{not json")

    assert missing.status_code == 400
    assert missing.json()["errors"] == {
        "name": ["This field is required."],
        "price": ["This field is required."],
    }
    assert malformed.status_code == 400
    assert malformed.json()["type"] == BASE + "malformed-request"


def test_another_tenants_category_is_unknown(api, shops, given_category) -> None:
    theirs = given_category(shops.globex, "Theirs")

    response = api("post", LIST, "staff", {**NEW_MUG, "category_id": theirs})

    assert response.status_code == 400
    assert response.json()["errors"] == {"category_id": ["No such category."]}


def test_a_field_error_answers_before_a_taken_name(api, catalog) -> None:
    response = api("post", LIST, "staff", {**NEW_MUG, "name": "Anvil", "category_id": MISSING})

    assert response.status_code == 400


# --- changing -----------------------------------------------------------------------------------


def test_staff_change_a_product_and_the_next_read_shows_it(api, catalog) -> None:
    before = api("get", url(catalog["anvil"])).json()  # cached now

    response = api(
        "patch",
        url(catalog["anvil"]),
        "staff",
        {"name": "Big Anvil", "price": usd("125.00"), "status": "draft", "id": MISSING},
    )

    assert response.status_code == 200
    after = api("get", url(catalog["anvil"])).json()
    assert after == response.json()
    assert (after["id"], after["name"], after["price"], after["status"]) == (
        catalog["anvil"],
        "Big Anvil",
        {"amount": "125.00", "currency": "USD"},
        "published",
    )
    assert after["description"] == before["description"]
    assert after["created_at"] == before["created_at"]
    assert after["updated_at"] > before["updated_at"]


def test_a_category_can_be_removed_and_set(api, catalog) -> None:
    cleared = api("patch", url(catalog["anvil"]), "owner", {"category_id": None})
    moved = api("patch", url(catalog["crate"]), "owner", {"category_id": catalog["hammers"]})

    assert cleared.json()["category_id"] is None
    assert moved.json()["category_id"] == catalog["hammers"]


def test_customer_patch_is_404_where_they_see_nothing_and_403_where_they_see(api, catalog) -> None:
    assert api("patch", url(MISSING), "customer", {"name": "X"}).status_code == 404
    assert api("patch", url(catalog["crate"]), "customer", {"name": "X"}).status_code == 404
    assert api("patch", url(catalog["globex_anvil"]), "customer", {"name": "X"}).status_code == 404
    refused = api("patch", url(catalog["anvil"]), "customer", {"price": 1})
    assert refused.status_code == 403
    assert refused.json() == problem(403, "permission-denied", "Your role may not do this.")
    assert api("patch", url(catalog["anvil"]), None, {"name": "X"}).status_code == 401


def test_staff_patch_of_a_missing_product_is_404(api, catalog) -> None:
    assert api("patch", url(MISSING), "staff", {"price": 1}).status_code == 404
    assert api("patch", url(catalog["globex_anvil"]), "staff", {"name": "X"}).status_code == 404


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        ({"price": 125}, {"price": ['Expected an object with "amount" and "currency".']}),
        (
            {"price": {"amount": "1.00", "currency": "EUR"}},
            {"price.currency": ["Expected an amount in USD, not EUR."]},
        ),
        ({"category_id": MISSING}, {"category_id": ["No such category."]}),
        ({"name": "   "}, {"name": ["This field may not be blank."]}),
    ],
)
def test_invalid_changes_are_400_and_change_nothing(api, catalog, change, errors) -> None:
    response = api("patch", url(catalog["anvil"]), "staff", change)

    assert response.status_code == 400
    assert response.json()["errors"] == errors
    unchanged = api("get", url(catalog["anvil"])).json()
    assert (unchanged["name"], unchanged["price"]["amount"]) == ("Anvil", "120.00")


@pytest.mark.parametrize(
    ("product", "change", "code", "detail"),
    [
        ("anvil", {"name": "Bucket"}, "name-taken", "A product named 'Bucket' exists already."),
        (
            "anvil",
            {"description": ""},
            "description-required",
            "A published product needs a description.",
        ),
        (
            "anvil",
            {"price": usd("0.00")},
            "price-required",
            "A published product needs a positive price.",
        ),
        ("drum", {"name": "Kettle Drum"}, "product-archived", "An archived product cannot change."),
    ],
)
def test_changes_the_rules_refuse_are_422(api, catalog, product, change, code, detail) -> None:
    response = api("patch", url(catalog[product]), "staff", change)

    assert response.status_code == 422
    assert response.json() == problem(422, code, detail)


def test_a_field_error_answers_before_a_rule(api, catalog) -> None:
    change = {"description": "", "price": {"amount": "1.00", "currency": "EUR"}}

    assert api("patch", url(catalog["anvil"]), "staff", change).status_code == 400


# --- deleting, publishing, archiving ------------------------------------------------------------


def test_staff_delete_a_draft(api, catalog) -> None:
    api("get", url(catalog["crate"]), "staff")  # cached now

    response = api("delete", url(catalog["crate"]), "staff")

    assert response.status_code == 204
    assert response.content == b""
    assert api("get", url(catalog["crate"]), "staff").status_code == 404
    assert names(api("get", LIST, "staff")) == ["Anvil", "Bucket", "Drum"]


@pytest.mark.parametrize("product", ["anvil", "drum"])
def test_only_a_draft_may_be_deleted(api, catalog, product) -> None:
    response = api("delete", url(catalog[product]), "owner")

    assert response.status_code == 422
    assert response.json()["type"] == BASE + "not-a-draft"
    assert api("get", url(catalog[product]), "staff").status_code == 200


def test_customers_may_not_delete(api, catalog) -> None:
    assert api("delete", url(catalog["anvil"]), "customer").status_code == 403
    assert api("delete", url(catalog["crate"]), "customer").status_code == 404
    assert api("delete", url(catalog["crate"])).status_code == 401


def test_publishing_a_draft_shows_it_to_customers(api, catalog) -> None:
    assert api("get", url(catalog["crate"])).status_code == 404
    api("patch", url(catalog["crate"]), "staff", {"description": "Wooden box."})

    response = api("post", url(catalog["crate"], "publish"), "staff")

    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert api("get", url(catalog["crate"])).json()["status"] == "published"
    assert names(api("get", LIST)) == ["Anvil", "Bucket", "Crate"]


def test_publishing_needs_a_description_and_a_positive_price(api, catalog, shops, given_product):
    free = given_product(shops.acme, "Free Sample", price="0.00", status="draft", description="")

    no_description = api("post", url(catalog["crate"], "publish"), "staff")
    neither = api("post", url(free, "publish"), "staff")

    assert no_description.status_code == 422
    assert no_description.json() == problem(422, "not-publishable", "Publishing needs description.")
    assert neither.json()["detail"] == "Publishing needs description, a positive price."


def test_only_a_draft_is_published(api, catalog) -> None:
    response = api("post", url(catalog["anvil"], "publish"), "staff")

    assert response.status_code == 422
    assert response.json() == problem(
        422, "not-a-draft", "Only a draft can be published; this product is published."
    )


def test_archiving_withdraws_a_product_from_customers(api, catalog) -> None:
    api("get", url(catalog["anvil"]))  # cached now

    response = api("post", url(catalog["anvil"], "archive"), "owner")

    assert response.status_code == 200
    assert response.json()["status"] == "archived"
    assert api("get", url(catalog["anvil"])).status_code == 404
    assert names(api("get", LIST)) == ["Bucket"]
    again = api("post", url(catalog["anvil"], "archive"), "owner")
    assert again.status_code == 422
    assert again.json()["type"] == BASE + "product-archived"


@pytest.mark.parametrize("action", ["publish", "archive"])
def test_publish_and_archive_are_for_staff(api, catalog, action) -> None:
    assert api("post", url(catalog["anvil"], action), "customer").status_code == 403
    assert api("post", url(catalog["crate"], action), "customer").status_code == 404
    assert api("post", url(catalog["anvil"], action)).status_code == 401
    assert api("post", url(MISSING, action), "staff").status_code == 404
