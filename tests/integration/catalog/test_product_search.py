"""``GET /api/v1/products/?q=`` ignores case and accents, in the caller's shop only."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from emporium.catalog import bootstrap
from emporium.catalog.adapters.offers import products_named
from emporium.catalog.application.use_cases import CreateProduct, PublishProduct
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.shared_kernel.money import Money

pytestmark = pytest.mark.django_db


def add_product(tenant: TenantRef, name: str, description: str, *, publish: bool = True) -> None:
    with tenant_context(tenant):
        product = bootstrap.create_product(
            CreateProduct(
                name=name,
                description=description,
                category_id=None,
                price=Money.of("6.50", "EUR"),
                currency="EUR",
            )
        )
        if publish:
            bootstrap.publish_product(PublishProduct(product.id))


@pytest.fixture
def desserts(make_tenant: Callable[..., TenantRef]) -> dict[str, TenantRef]:
    """acme: Crème Brûlée, Chocolate crème, Brûlot (flambé), draft Tarte Tatin; globex: Crème."""
    acme = make_tenant("acme", currency="EUR")
    globex = make_tenant("globex", currency="EUR")
    add_product(acme, "Crème Brûlée", "Custard under burnt sugar.")
    add_product(acme, "Chocolate crème", "Dark and smooth.")
    add_product(acme, "Brûlot", "Coffee, flambé at the table.")
    add_product(acme, "Tarte Tatin", "Upside-down crème pâtissière-free tart.", publish=False)
    add_product(globex, "Crème Brûlée", "Globex's own.")
    return {"acme": acme, "globex": globex}


def search(text: str, host: str = "acme.localhost") -> list[str]:
    response = Client(raise_request_exception=False).get(
        "/api/v1/products/", {"q": text}, HTTP_HOST=host
    )
    assert response.status_code == 200, response.content
    return [product["name"] for product in response.json()["results"]]


@pytest.mark.usefixtures("desserts")
def test_search_ignores_case_and_accents_in_the_query_and_the_names() -> None:
    assert search("creme brulee") == ["Crème Brûlée"]
    assert search("CRÈME") == ["Chocolate crème", "Crème Brûlée"]
    assert search("brulot") == ["Brûlot"]
    assert search("FLAMBE") == ["Brûlot"]  # in the description
    assert search("pâtissière") == []  # a draft, for anonymous callers


@pytest.mark.usefixtures("desserts")
def test_search_stays_in_the_callers_shop() -> None:
    assert search("crème brûlée", host="globex.localhost") == ["Crème Brûlée"]
    assert search("globex") == []
    assert search("100%") == []


def test_the_back_office_product_picker_ignores_accents(desserts: dict[str, TenantRef]) -> None:
    with tenant_context(desserts["acme"]):
        assert sorted(products_named(" CREME ").values()) == ["Chocolate crème", "Crème Brûlée"]
        assert sorted(products_named("tatin").values()) == ["Tarte Tatin"]
