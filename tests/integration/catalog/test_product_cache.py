"""Product detail and the category tree from the cache, invalidated after each commit.

These tests commit for real (``transaction=True``): the invalidation runs after the commit, as
it does in production, not when a test decides to run captured callbacks.
"""

from __future__ import annotations

from uuid import UUID

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from emporium.catalog import bootstrap
from emporium.catalog.adapters import cache, queries
from emporium.catalog.application.use_cases import CreateProduct, PublishProduct
from emporium.identity.adapters.tokens import issue_token
from emporium.identity.models import User
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.shared_kernel.money import Money

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shops(acme_and_globex, make_account) -> dict[str, TenantRef]:
    acme, globex = acme_and_globex
    return {"acme": acme, "globex": globex}


@pytest.fixture
def staff_token(shops, make_account) -> str:
    with transaction.atomic():  # PostgreSQL hands the tenant to RLS inside transactions only
        user = make_account(shops["acme"], "staff@acme.example", "staff")
    with tenant_context(shops["acme"]), transaction.atomic():
        return issue_token(User.objects.get(pk=user.pk))[0]


def add_product(tenant: TenantRef, name: str, price: str, *, publish: bool = True) -> str:
    with tenant_context(tenant):
        product = bootstrap.create_product(
            CreateProduct(
                name=name,
                description="Holds tea.",
                category_id=None,
                price=Money.of(price, "USD"),
                currency="USD",
            )
        )
        if publish:
            bootstrap.publish_product(PublishProduct(product.id))
    return str(product.id)


def get(path: str, host: str = "acme.localhost", token: str | None = None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client(raise_request_exception=False).get(path, HTTP_HOST=host, **headers)


def patch(path: str, body: dict, token: str):
    return Client(raise_request_exception=False).patch(
        path,
        body,
        content_type="application/json",
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def detail(product_id: str) -> str:
    return f"/api/v1/products/{product_id}/"


def catalog_queries(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries if "catalog_" in query["sql"]]


def read_counting_catalog_queries(path: str, **kwargs) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = get(path, **kwargs)
    assert response.status_code == 200, response.content
    return response.json(), catalog_queries(captured)


def test_the_second_read_of_a_product_makes_no_catalog_query(shops, staff_token) -> None:
    mug = add_product(shops["acme"], "Mug", "9.50")

    first, first_queries = read_counting_catalog_queries(detail(mug))
    second, second_queries = read_counting_catalog_queries(detail(mug))
    as_staff, staff_queries = read_counting_catalog_queries(detail(mug), token=staff_token)

    assert len(first_queries) == 1
    assert (second_queries, staff_queries) == ([], [])
    assert second == first == as_staff


def test_the_second_read_of_the_tree_makes_no_catalog_query(shops, staff_token) -> None:
    created = Client().post(
        "/api/v1/categories/",
        {"name": "Kitchen"},
        content_type="application/json",
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {staff_token}",
    )
    assert created.status_code == 201

    first, first_queries = read_counting_catalog_queries("/api/v1/categories/tree/")
    second, second_queries = read_counting_catalog_queries("/api/v1/categories/tree/")

    assert len(first_queries) == 1
    assert second_queries == []
    assert (
        second
        == first
        == {
            "categories": [
                {"id": created.json()["id"], "name": "Kitchen", "parent_id": None, "children": []}
            ]
        }
    )


def test_a_price_change_through_the_api_is_visible_on_the_very_next_read(
    shops, staff_token
) -> None:
    mug = add_product(shops["acme"], "Mug", "9.50")
    assert get(detail(mug)).json()["price"] == {"amount": "9.50", "currency": "USD"}

    changed = patch(detail(mug), {"price": {"amount": "12.00", "currency": "USD"}}, staff_token)

    assert changed.status_code == 200
    assert get(detail(mug)).json()["price"] == {"amount": "12.00", "currency": "USD"}


def test_a_cached_draft_stays_hidden_until_published(shops, staff_token) -> None:
    draft = add_product(shops["acme"], "Mug", "9.50", publish=False)
    assert get(detail(draft), token=staff_token).json()["status"] == "draft"  # cached now

    assert get(detail(draft)).status_code == 404  # the same cached document, another caller

    published = Client().post(
        detail(draft) + "publish/",
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {staff_token}",
    )
    assert published.status_code == 200
    assert get(detail(draft)).json()["status"] == "published"


def test_two_tenants_same_named_products_never_cross(shops) -> None:
    acme_mug = add_product(shops["acme"], "Mug", "9.50")
    globex_mug = add_product(shops["globex"], "Mug", "12.00")

    for _ in range(2):  # the second round is served from the cache
        acme = get(detail(acme_mug)).json()
        globex = get(detail(globex_mug), host="globex.localhost").json()
        assert (acme["name"], acme["price"]["amount"]) == ("Mug", "9.50")
        assert (globex["name"], globex["price"]["amount"]) == ("Mug", "12.00")

    # acme's document is cached, but under acme's key: globex does not see it.
    assert get(detail(acme_mug), host="globex.localhost").status_code == 404
    assert get(detail(globex_mug)).status_code == 404
    with tenant_context(shops["acme"]):
        acme_key = caches["default"].make_key(cache.product_key(acme_mug))
    with tenant_context(shops["globex"]):
        globex_key = caches["default"].make_key(cache.product_key(acme_mug))
    assert acme_key != globex_key
    assert str(shops["acme"].id) in acme_key
    assert str(shops["globex"].id) in globex_key


def test_a_reader_that_read_before_a_change_cannot_cache_the_old_row(shops, staff_token) -> None:
    mug = add_product(shops["acme"], "Mug", "9.50")
    key = cache.product_key(mug)
    with tenant_context(shops["acme"]):
        before = cache.generation(key)

    def slow_load() -> queries.ProductDocument | None:
        # The reader loads the row, then the change commits and invalidates, then it stores.
        with transaction.atomic():
            old = queries.load_product(UUID(mug))
        changed = patch(detail(mug), {"price": {"amount": "12.00", "currency": "USD"}}, staff_token)
        assert changed.status_code == 200
        return old

    with tenant_context(shops["acme"]):
        answered = cache.read_through(key, slow_load)
        stored = caches["default"].get(cache.versioned_key(key, before))
        after = cache.generation(key)

    assert answered is not None
    assert answered["price"]["amount"] == "9.50"
    assert stored is not None
    assert stored["price"]["amount"] == "9.50"  # the late write landed...
    assert after != before  # ...under a generation that is dead
    assert get(detail(mug)).json()["price"]["amount"] == "12.00"


def test_an_evicted_generation_never_revives_old_documents(shops) -> None:
    mug = add_product(shops["acme"], "Mug", "9.50")
    key = cache.product_key(mug)
    with tenant_context(shops["acme"]):
        old = cache.generation(key)
        caches["default"].set(cache.versioned_key(key, old), {"stale": True})
        caches["default"].delete(f"{key}:gen")  # the cache dropped the counter

        assert cache.generation(key) != old


@pytest.mark.redis
def test_reads_and_invalidation_on_redis(shops, staff_token) -> None:
    assert caches["default"].__class__.__name__ == "RedisCache"
    acme_mug = add_product(shops["acme"], "Mug", "9.50")
    globex_mug = add_product(shops["globex"], "Mug", "12.00")

    _, first_queries = read_counting_catalog_queries(detail(acme_mug))
    _, second_queries = read_counting_catalog_queries(detail(acme_mug))
    patch(detail(acme_mug), {"price": {"amount": "11.00", "currency": "USD"}}, staff_token)

    assert (len(first_queries), second_queries) == (1, [])
    assert get(detail(acme_mug)).json()["price"]["amount"] == "11.00"
    assert get(detail(globex_mug), host="globex.localhost").json()["price"]["amount"] == "12.00"
    assert get(detail(acme_mug), host="globex.localhost").status_code == 404
