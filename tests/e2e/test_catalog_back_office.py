"""Products in the back office: scoped to the tenant, changed only through the use cases."""

from __future__ import annotations

import pytest
from django.test import Client

from emporium.catalog import bootstrap
from emporium.catalog.application import use_cases as cases
from emporium.catalog.models import Product
from emporium.infrastructure.models import OutboxMessage
from emporium.multitenancy.context import tenant_context
from emporium.shared_kernel.money import Money

pytestmark = pytest.mark.django_db


def make_product(tenant, name: str, price: str = "5.00", publish: bool = False):
    with tenant_context(tenant):
        product = bootstrap.create_product(
            cases.CreateProduct(name, "Described.", None, Money.of(price, "USD"), "USD")
        )
        if publish:
            bootstrap.publish_product(cases.PublishProduct(product.id))
    return product.id


@pytest.fixture
def staff_client(acme_and_globex, make_account):
    acme, globex = acme_and_globex
    staff = make_account(acme, "staff@acme.example", "staff")
    client = Client(HTTP_HOST="acme.localhost")
    with tenant_context(acme):  # signing in stamps last_login on the tenant's account
        client.force_login(staff)
    return client, acme, globex


def test_changelist_shows_only_this_tenants_products(staff_client) -> None:
    client, acme, globex = staff_client
    make_product(acme, "Acme mug")
    globex_id = make_product(globex, "Globex mug")

    listing = client.get("/admin/catalog/product/?q=mug")

    assert listing.status_code == 200
    assert "Acme mug" in listing.content.decode()
    assert "Globex mug" not in listing.content.decode()
    assert client.get(f"/admin/catalog/product/{globex_id}/change/").status_code == 404


def test_price_change_in_the_admin_goes_through_the_use_case(staff_client) -> None:
    client, acme, _ = staff_client
    product_id = make_product(acme, "Acme mug", price="5.00")

    response = client.post(
        f"/admin/catalog/product/{product_id}/change/",
        {"name": "Acme mug", "description": "Described.", "category": "", "price": "7.25"},
    )

    assert response.status_code == 302
    with tenant_context(acme):
        assert Product.objects.get(pk=product_id).price == Money.of("7.25", "USD")
    types = list(OutboxMessage.objects.order_by("created_at").values_list("type", flat=True))
    assert types[-1] == "catalog.product_price_changed"


def test_a_published_product_cannot_be_deleted_in_the_admin(staff_client) -> None:
    client, acme, _ = staff_client
    product_id = make_product(acme, "Acme mug", publish=True)

    assert client.get(f"/admin/catalog/product/{product_id}/delete/").status_code == 403
    with tenant_context(acme):
        assert Product.objects.filter(pk=product_id).exists()


def test_publish_action_applies_the_publish_rules(staff_client) -> None:
    client, acme, _ = staff_client
    ok = make_product(acme, "Acme mug")
    free = make_product(acme, "Free thing", price="0.00")

    client.post(
        "/admin/catalog/product/",
        {"action": "publish", "_selected_action": [str(ok), str(free)]},
    )

    with tenant_context(acme):
        statuses = dict(Product.objects.values_list("name", "status"))
    assert statuses == {"Acme mug": "published", "Free thing": "draft"}


def test_adding_a_product_in_the_admin_prices_it_in_the_shops_currency(
    make_tenant, make_account
) -> None:
    shop = make_tenant("lyon", "Lyon Mercerie", currency="EUR")
    staff = make_account(shop, "staff@lyon.example", "staff")
    client = Client(HTTP_HOST="lyon.localhost")
    with tenant_context(shop):
        client.force_login(staff)

    form = client.get("/admin/catalog/product/add/")
    fields = {"name": "Linen thread", "description": "Described.", "category": ""}
    too_precise = client.post("/admin/catalog/product/add/", {**fields, "price": "12.505"})
    response = client.post("/admin/catalog/product/add/", {**fields, "price": "12.50"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    with tenant_context(shop):
        product = Product.objects.get(name="Linen thread")
    assert (product.price, product.currency, product.status) == (
        Money.of("12.50", "EUR"),
        "EUR",
        "draft",
    )
    created = OutboxMessage.objects.get(type="catalog.product_created")
    assert (created.tenant, created.aggregate_id) == ("lyon", str(product.pk))
    # The form names the currency the amount is in.
    assert form.status_code == 200
    assert "Price (EUR)" in form.content.decode()
    assert too_precise.status_code == 200
    assert list(too_precise.context["adminform"].form.errors) == ["price"]
