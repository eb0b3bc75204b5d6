"""``/api/v1/categories/``: anyone lists, staff add; the tree for navigation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from emporium.catalog.models import Category
from emporium.multitenancy.context import tenant_context
from tests.e2e.catalog.conftest import BASE, PROBLEM

pytestmark = pytest.mark.django_db
LIST = "/api/v1/categories/"
TREE = "/api/v1/categories/tree/"
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def tree(shops, given_category):
    """acme: Tools > (Saws, Hammers > Claw); Garden. globex: Tools."""
    tools = given_category(shops.acme, "Tools")
    hammers = given_category(shops.acme, "Hammers", tools)
    return {
        "tools": tools,
        "hammers": hammers,
        "saws": given_category(shops.acme, "Saws", tools),
        "claw": given_category(shops.acme, "Claw", hammers),
        "garden": given_category(shops.acme, "Garden"),
        "globex_tools": given_category(shops.globex, "Tools"),
    }


def results(response) -> list[tuple[str, str | None]]:
    assert response.status_code == 200, response.content
    return [(c["name"], c["parent_id"]) for c in response.json()["results"]]


@pytest.mark.parametrize("who", [None, "customer", "staff"])
def test_anyone_lists_the_shops_categories_in_name_order(api, tree, who) -> None:
    response = api("get", LIST, who)

    assert response.json() == {
        "results": [
            {"id": tree["claw"], "name": "Claw", "parent_id": tree["hammers"]},
            {"id": tree["garden"], "name": "Garden", "parent_id": None},
            {"id": tree["hammers"], "name": "Hammers", "parent_id": tree["tools"]},
            {"id": tree["saws"], "name": "Saws", "parent_id": tree["tools"]},
            {"id": tree["tools"], "name": "Tools", "parent_id": None},
        ],
        "next": None,
        "previous": None,
    }
    assert response["Vary"] == "Authorization"


def test_another_tenant_lists_its_own(api, tree) -> None:
    response = api("get", LIST, host="globex.localhost")

    assert results(response) == [("Tools", None)]
    assert response.json()["results"][0]["id"] == tree["globex_tools"]


def test_categories_come_in_pages(api, tree) -> None:
    first = api("get", LIST + "?page_size=2")
    link = urlsplit(first.json()["next"])
    second = api("get", f"{link.path}?{link.query}")

    assert [name for name, _ in results(first)] == ["Claw", "Garden"]
    assert [name for name, _ in results(second)] == ["Hammers", "Saws"]
    assert second.json()["previous"] is not None


def test_a_bad_token_is_401(api, tree) -> None:
    response = api("get", LIST, token="emp_forged")

    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM


@pytest.mark.parametrize("who", ["staff", "owner"])
def test_staff_add_a_category_at_the_top_or_under_another(api, tree, shops, who) -> None:
    top = api("post", LIST, who, {"name": " Kitchen ", "id": MISSING, "tenant": "globex"})
    below = api("post", LIST, who, {"name": "Spoons", "parent_id": top.json()["id"]})

    assert top.status_code == 201
    assert top.json()["id"] != MISSING
    assert {k: v for k, v in top.json().items() if k != "id"} == {
        "name": "Kitchen",
        "parent_id": None,
    }
    assert below.status_code == 201
    assert below.json()["parent_id"] == top.json()["id"]
    with tenant_context(shops.globex):
        assert list(Category.objects.values_list("name", flat=True)) == ["Tools"]


def test_customers_may_not_add_and_anonymous_must_sign_in(api, tree) -> None:
    refused = api("post", LIST, "customer", {"name": "Mine"})

    assert refused.status_code == 403
    assert refused.json() == {
        "type": BASE + "permission-denied",
        "title": "Forbidden",
        "status": 403,
        "detail": "Your role may not do this.",
    }
    assert api("post", LIST, None, {"name": "Mine"}).status_code == 401
    assert api("post", LIST, "customer", {"name": ""}).status_code == 403  # role before body


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"name": ["This field is required."]}),
        ({"name": ""}, {"name": ["This field may not be blank."]}),
        ({"name": 7}, {"name": ["Not a valid string."]}),
        ({"name": "x" * 101}, {"name": ["Ensure this field has no more than 100 characters."]}),
        ({"name": "Pots", "parent_id": "tools"}, {"parent_id": ["Must be a valid UUID."]}),
        ({"name": "Pots", "parent_id": MISSING}, {"parent_id": ["No such category."]}),
    ],
)
def test_invalid_categories_are_400(api, tree, body, errors) -> None:
    response = api("post", LIST, "staff", body)

    assert response.status_code == 400
    assert response["Content-Type"] == PROBLEM
    assert response.json()["errors"] == errors


def test_another_tenants_parent_is_unknown(api, tree) -> None:
    response = api("post", LIST, "staff", {"name": "Pots", "parent_id": tree["globex_tools"]})

    assert response.status_code == 400
    assert response.json()["errors"] == {"parent_id": ["No such category."]}


def test_a_name_is_unique_under_its_parent_only(api, tree) -> None:
    taken = api("post", LIST, "staff", {"name": "Saws", "parent_id": tree["tools"]})
    elsewhere = api("post", LIST, "staff", {"name": "Saws", "parent_id": tree["garden"]})
    top_taken = api("post", LIST, "staff", {"name": "Garden"})

    assert taken.status_code == 422
    assert taken.json() == {
        "type": BASE + "name-taken",
        "title": "Business rule violated",
        "status": 422,
        "detail": "A category named 'Saws' exists there already.",
    }
    assert elsewhere.status_code == 201
    assert top_taken.status_code == 422


def test_categories_nest_five_deep_at_most(api, shops) -> None:
    parent = None
    for level in range(1, 6):
        created = api("post", LIST, "staff", {"name": f"Level {level}", "parent_id": parent})
        assert created.status_code == 201
        parent = created.json()["id"]

    response = api("post", LIST, "staff", {"name": "Level 6", "parent_id": parent})

    assert response.status_code == 400
    assert response.json()["errors"] == {"parent_id": ["At most 5 levels."]}


@pytest.mark.parametrize("who", [None, "customer"])
def test_the_tree_nests_every_level_in_name_order(api, tree, who) -> None:
    response = api("get", TREE, who)

    def node(key: str, name: str, parent: str | None, children: list) -> dict:
        return {
            "id": tree[key],
            "name": name,
            "parent_id": tree[parent] if parent else None,
            "children": children,
        }

    assert response.status_code == 200
    assert response.json() == {
        "categories": [
            node("garden", "Garden", None, []),
            node(
                "tools",
                "Tools",
                None,
                [
                    node("hammers", "Hammers", "tools", [node("claw", "Claw", "hammers", [])]),
                    node("saws", "Saws", "tools", []),
                ],
            ),
        ]
    }


def test_a_new_category_shows_in_the_next_tree(api, tree) -> None:
    api("get", TREE)  # cached now

    created = api("post", LIST, "staff", {"name": "Axes", "parent_id": tree["tools"]})

    tools = api("get", TREE).json()["categories"][1]
    assert [child["name"] for child in tools["children"]] == ["Axes", "Hammers", "Saws"]
    assert tools["children"][0]["id"] == created.json()["id"]


def test_each_tenant_has_its_own_tree(api, tree) -> None:
    api("get", TREE)

    response = api("get", TREE, host="globex.localhost")

    assert response.json() == {
        "categories": [
            {"id": tree["globex_tools"], "name": "Tools", "parent_id": None, "children": []}
        ]
    }
