"""Cache warming fills exactly the keys the API reads, in the tenant it runs for and no other.

The database tests commit for real (``transaction=True``), as the catalog's cache tests do: the
invalidations of creating and publishing run after their commits, before anything is warmed.
"""

from __future__ import annotations

from io import StringIO
from uuid import UUID

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from emporium.catalog import bootstrap
from emporium.catalog.adapters import queries
from emporium.catalog.adapters.warming import (
    CacheWarmer,
    UnknownPattern,
    WarmReport,
    catalog_warmer,
)
from emporium.catalog.application.use_cases import (
    ChangeProduct,
    CreateCategory,
    CreateProduct,
    PublishProduct,
)
from emporium.catalog.tasks import warm_all_tenants, warm_catalog_cache
from emporium.infrastructure.bus import message_bus
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.shared_kernel.money import Money
from emporium.tenancy.adapters.repository import DjangoTenancyUnitOfWork
from emporium.tenancy.application.use_cases import SuspendTenant, suspend_tenant

committing = pytest.mark.django_db(transaction=True)
TREE = "/api/v1/categories/tree/"
ALL_WARMED = "warmed catalog:product:* 2, catalog:navigation 1"


def add_product(tenant: TenantRef, name: str, price: str = "9.50", *, publish: bool = True) -> str:
    with tenant_context(tenant):
        product = bootstrap.create_product(
            CreateProduct(name, "Holds tea.", None, Money.of(price, "USD"), "USD")
        )
        if publish:
            bootstrap.publish_product(PublishProduct(product.id))
    return str(product.id)


def add_category(tenant: TenantRef, name: str) -> str:
    with tenant_context(tenant):
        return str(bootstrap.create_category(CreateCategory(name)).id)


def read(path: str, host: str = "acme.localhost") -> tuple[int, object, list[str]]:
    """Return the status, the body and the catalog's SQL of one anonymous API read."""
    with CaptureQueriesContext(connection) as captured:
        response = Client(raise_request_exception=False).get(path, HTTP_HOST=host)
    sql = [query["sql"] for query in captured.captured_queries if "catalog_" in query["sql"]]
    return response.status_code, response.json(), sql


def catalog_queries(path: str, host: str = "acme.localhost") -> int:
    return len(read(path, host)[2])


def detail(product_id: str) -> str:
    return f"/api/v1/products/{product_id}/"


def warm(*args: str) -> list[str]:
    out = StringIO()
    call_command("warm_cache", *args, "--verbosity", "0", stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def shops(acme_and_globex) -> dict[str, TenantRef]:
    acme, globex = acme_and_globex
    return {"acme": acme, "globex": globex}


@pytest.fixture
def stocked(shops) -> dict[str, str]:
    """Give acme two published products and a category, globex one of each."""
    return {
        "mug": add_product(shops["acme"], "Mug", "9.50"),
        "teapot": add_product(shops["acme"], "Teapot", "30.00"),
        "kitchen": add_category(shops["acme"], "Kitchen"),
        "globex mug": add_product(shops["globex"], "Mug", "12.00"),
        "globex garden": add_category(shops["globex"], "Garden"),
    }


@committing
def test_after_warming_a_tenant_its_reads_make_no_catalog_query(stocked) -> None:
    assert warm("--tenant", "acme") == [f"acme: {ALL_WARMED}"]

    mug = read(detail(stocked["mug"]))
    teapot = read(detail(stocked["teapot"]))
    tree = read(TREE)

    assert (mug[0], mug[2], teapot[0], teapot[2], tree[0], tree[2]) == (200, [], 200, [], 200, [])
    assert (mug[1]["name"], mug[1]["price"]) == ("Mug", {"amount": "9.50", "currency": "USD"})
    assert (teapot[1]["name"], teapot[1]["price"]["amount"]) == ("Teapot", "30.00")
    assert tree[1] == {
        "categories": [
            {"id": stocked["kitchen"], "name": "Kitchen", "parent_id": None, "children": []}
        ]
    }


@committing
def test_warming_one_tenant_leaves_the_others_keys_cold(stocked) -> None:
    warm("--tenant", "acme")

    globex_mug = read(detail(stocked["globex mug"]), host="globex.localhost")
    globex_tree = read(TREE, host="globex.localhost")

    assert (globex_mug[0], len(globex_mug[2])) == (200, 1)
    assert globex_mug[1]["price"]["amount"] == "12.00"
    assert (len(globex_tree[2]), globex_tree[1]["categories"][0]["name"]) == (1, "Garden")
    # acme's documents are under acme's keys: globex cannot read acme's product at all.
    assert read(detail(stocked["mug"]), host="globex.localhost")[0] == 404


@committing
def test_popular_products_are_the_newest_published_ones_up_to_the_limit(shops) -> None:
    oldest = add_product(shops["acme"], "Oldest")
    middle = add_product(shops["acme"], "Middle")
    newest = add_product(shops["acme"], "Newest")
    draft = add_product(shops["acme"], "Draft", publish=False)

    lines = warm("--tenant", "acme", "--limit", "2")

    assert lines == ["acme: warmed catalog:product:* 2, catalog:navigation 1"]
    assert [catalog_queries(detail(p)) for p in (newest, middle, oldest)] == [0, 0, 1]
    status, _, draft_sql = read(detail(draft))
    assert (status, len(draft_sql)) == (404, 1)  # a draft is never warmed


@committing
def test_a_pattern_warms_only_its_keys(stocked) -> None:
    assert warm("--tenant", "acme", "--pattern", "catalog:navigation") == [
        "acme: warmed catalog:navigation 1"
    ]

    assert catalog_queries(TREE) == 0
    assert catalog_queries(detail(stocked["mug"])) == 1


@committing
def test_an_unknown_pattern_is_refused_before_anything_is_warmed(stocked) -> None:
    with pytest.raises(CommandError) as refused:
        warm("--tenant", "acme", "--pattern", "catalog:navigation", "--pattern", "catalog:prices")

    assert str(refused.value) == (
        "No warming strategy for 'catalog:prices'; "
        "known patterns: catalog:product:*, catalog:navigation."
    )
    assert catalog_queries(TREE) == 1


@committing
def test_an_unknown_tenant_is_refused(shops) -> None:
    with pytest.raises(CommandError, match="No tenant 'initech'"):
        warm("--tenant", "initech")


@committing
def test_without_a_tenant_every_active_tenant_is_warmed_in_turn(stocked, make_tenant) -> None:
    initech = make_tenant("initech", "Initech")
    initech_mug = add_product(initech, "Mug")
    suspend_tenant(SuspendTenant("initech"), DjangoTenancyUnitOfWork(message_bus(), "default"))

    lines = warm()

    assert lines == [
        f"acme: {ALL_WARMED}",
        "globex: warmed catalog:product:* 1, catalog:navigation 1",
    ]
    assert catalog_queries(detail(stocked["mug"])) == 0
    assert catalog_queries(detail(stocked["globex mug"]), host="globex.localhost") == 0
    # A suspended tenant serves no requests: read its product as the API would, but directly.
    with tenant_context(initech), transaction.atomic(), CaptureQueriesContext(connection) as seen:
        assert queries.find_product(UUID(initech_mug)) is not None
    assert len([query for query in seen.captured_queries if "catalog_" in query["sql"]]) == 1


@committing
def test_the_eager_task_warms_the_tenant_it_was_sent_from(stocked, shops) -> None:
    with tenant_context(shops["acme"]):
        sent = warm_catalog_cache.delay()

    assert sent.get() == {"catalog:product:*": 2, "catalog:navigation": 1}
    assert catalog_queries(detail(stocked["mug"])) == 0
    assert catalog_queries(TREE) == 0
    assert catalog_queries(detail(stocked["globex mug"]), host="globex.localhost") == 1


@committing
def test_the_platform_task_sends_one_warming_per_active_tenant(stocked) -> None:
    assert warm_all_tenants.delay(["catalog:navigation"]).get() == ["acme", "globex"]

    assert catalog_queries(TREE) == 0
    assert catalog_queries(TREE, host="globex.localhost") == 0
    assert catalog_queries(detail(stocked["mug"])) == 1


@committing
def test_warming_twice_is_harmless_and_a_later_change_is_still_seen(stocked, shops) -> None:
    first = warm("--tenant", "acme")
    second = warm("--tenant", "acme")

    assert first == second == [f"acme: {ALL_WARMED}"]
    status, body, sql = read(detail(stocked["mug"]))
    assert (status, body["price"]["amount"], sql) == (200, "9.50", [])

    with tenant_context(shops["acme"]):
        bootstrap.change_product(
            ChangeProduct(UUID(stocked["mug"]), "USD", price=Money.of("12.00", "USD"))
        )

    status, body, sql = read(detail(stocked["mug"]))
    assert (status, body["price"]["amount"], len(sql)) == (200, "12.00", 1)


@committing
def test_the_progress_callback_is_called_once_per_unit(stocked, shops) -> None:
    calls: list[tuple[str, int, int]] = []

    with tenant_context(shops["acme"]), transaction.atomic():
        report = catalog_warmer().warm(progress=lambda *call: calls.append(call))

    assert calls == [
        ("catalog:product:*", 1, 2),
        ("catalog:product:*", 2, 2),
        ("catalog:navigation", 1, 1),
    ]
    assert report == WarmReport({"catalog:product:*": 2, "catalog:navigation": 1})
    assert report.total == 3


class Recorder:
    """A strategy that warms its units into a list."""

    def __init__(self, *units: str) -> None:
        self.unit_list = list(units)
        self.warmed: list[str] = []

    def units(self) -> list[str]:
        return self.unit_list

    def warm(self, unit: str) -> None:
        self.warmed.append(unit)


def test_each_warmer_has_its_own_registry() -> None:
    one, other = CacheWarmer(), CacheWarmer()
    recorder = Recorder("a", "b")

    one.register("things:*", recorder)

    assert (one.patterns, other.patterns) == (["things:*"], [])
    assert other.warm() == WarmReport({})
    assert one.warm(["things:*", "things:*"]) == WarmReport({"things:*": 2})
    assert recorder.warmed == ["a", "b"]


def test_a_pattern_cannot_be_registered_twice() -> None:
    warmer = CacheWarmer()
    warmer.register("things:*", Recorder())

    with pytest.raises(ValueError, match="registered already"):
        warmer.register("things:*", Recorder())


def test_an_unknown_pattern_warms_nothing_and_names_the_known_ones() -> None:
    warmer = CacheWarmer()
    recorder = Recorder("a")
    warmer.register("things:*", recorder)

    with pytest.raises(UnknownPattern, match=r"'nope'; known patterns: things:\*\.$"):
        warmer.warm(["things:*", "nope"])

    assert recorder.warmed == []
