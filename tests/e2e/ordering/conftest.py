"""A shop with products in stock, and signed-in callers, for the ordering tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from emporium.catalog import bootstrap as catalog
from emporium.catalog.application import use_cases as catalog_cases
from emporium.identity.adapters.tokens import issue_token
from emporium.inventory.application.use_cases import SetStock
from emporium.inventory.bootstrap import count_stock
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.shared_kernel.money import Money


def make_product(tenant: TenantRef, name: str, price: str, stock: int, publish: bool = True):
    with tenant_context(tenant):
        product = catalog.create_product(
            catalog_cases.CreateProduct(name, "Described.", None, Money.of(price, "USD"), "USD")
        )
        if publish:
            catalog.publish_product(catalog_cases.PublishProduct(product.id))
        if stock:
            count_stock(SetStock(product.id, stock))
    return product.id


@dataclass
class Shop:
    acme: TenantRef
    globex: TenantRef
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    products: dict[str, Any] = field(default_factory=dict)

    def call(
        self, method: str, url: str, who: str | None, body: Any = None, host: str = "acme.localhost"
    ):
        headers = {"HTTP_HOST": host}
        if who:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[who]}"
        return getattr(Client(), method)(url, body, content_type="application/json", **headers)

    def order(self, who: str, *items: tuple[str, int]):
        body = {"items": [{"product_id": str(self.products[n]), "quantity": q} for n, q in items]}
        return self.call("post", "/api/v1/orders/", who, body)


#: The callers of a shop: acme's customers and staff, and globex's owner.
CALLERS = [("ann", "customer"), ("bob", "customer"), ("staff", "staff"), ("globex", "owner")]


def open_shop(acme_and_globex: Any, make_account: Any, callers: list[tuple[str, str]]) -> Shop:
    """Return acme and globex with signed-in ``callers`` (globex's is named "globex") and stock."""
    acme, globex = acme_and_globex
    shop = Shop(acme, globex)
    for who, role in callers:
        tenant = globex if who == "globex" else acme
        user = make_account(tenant, f"{who}@shop.example", role)
        shop.users[who] = user
        with tenant_context(tenant):
            shop.tokens[who] = issue_token(user)[0]
    shop.products["mug"] = make_product(acme, "Mug", "0.35", stock=10)
    shop.products["pan"] = make_product(acme, "Pan", "45.90", stock=3)
    shop.products["globex"] = make_product(globex, "Globex mug", "1.00", stock=5)
    return shop


@pytest.fixture
def shop(acme_and_globex, make_account) -> Shop:
    shop = open_shop(acme_and_globex, make_account, CALLERS)
    shop.products["draft"] = make_product(shop.acme, "Draft", "5.00", stock=5, publish=False)
    return shop
