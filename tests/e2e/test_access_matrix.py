"""Every role against every API endpoint: allowed calls succeed, the rest get API.md's status.

Roles: anonymous, a customer, another customer, staff, the owner (all of acme), and globex's
owner calling acme with a globex token. The table must name every route under /api/v1/: a new
endpoint fails ``test_every_api_route_is_in_the_matrix`` until its row is added here.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from emporium.catalog import bootstrap as catalog
from emporium.catalog.application import use_cases as catalog_cases
from emporium.identity.adapters.tokens import issue_token
from emporium.identity.models import User
from emporium.inventory.application.use_cases import SetStock
from emporium.inventory.bootstrap import count_stock
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.shared_kernel.money import Money

ROLES = ("anonymous", "customer", "other_customer", "staff", "owner", "other_tenant_owner")
PASSWORD = "correct horse 42"
_counter = itertools.count()


@dataclass
class World:
    acme: TenantRef
    globex: TenantRef
    accounts: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)


def _unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


@dataclass(frozen=True)
class Call:
    route: str  # as Django prints it, e.g. "api/v1/me/"
    method: str
    expected: dict[str, int]
    path: Callable[[World, str], str] = lambda world, role: ""
    body: Callable[[World, str], Any] = lambda world, role: None
    send_token: bool = True

    def url(self, world: World, role: str) -> str:
        return "/" + (self.path(world, role) or self.route)


def everyone(status: int, **exceptions: int) -> dict[str, int]:
    return {role: exceptions.get(role, status) for role in ROLES}


SIGNED_IN = {"anonymous": 401, "other_tenant_owner": 401}
STAFF_ONLY = {"customer": 403, "other_customer": 403, **SIGNED_IN}
OWNER_ONLY = {"staff": 403, **STAFF_ONLY}


def credentials(world: World, role: str) -> dict[str, str]:
    if role == "anonymous":
        return {"email": "nobody@acme.example", "password": PASSWORD}
    return {"email": world.accounts[role].email, "password": PASSWORD}


def stock_path(world: World, role: str) -> str:
    return f"api/v1/products/{world.objects['published']}/stock/"


def new_product(world: World, publish: bool) -> str:
    """Create a product of acme for one call (a call may delete or change it)."""
    with tenant_context(world.acme):
        product = catalog.create_product(
            catalog_cases.CreateProduct(
                name=_unique("Product"),
                description="Described.",
                category_id=None,
                price=Money.of("5.00", "USD"),
                currency="USD",
            )
        )
        if publish:
            catalog.publish_product(catalog_cases.PublishProduct(product.id))
    return str(product.id)


def product_path(suffix: str = "", publish: bool = True) -> Callable[[World, str], str]:
    return lambda world, role: f"api/v1/products/{new_product(world, publish)}/{suffix}"


def new_order(world: World, status: str | None = None) -> str:
    """Place an order of 1 mug for acme's customer; ``status="paid"`` records a payment too."""
    from emporium.ordering import bootstrap as ordering
    from emporium.ordering.application.use_cases import MarkOrderPaid, PlaceOrder

    with tenant_context(world.acme):
        order = ordering.place_order(
            PlaceOrder(world.accounts["customer"].pk, [(world.objects["published"], 1)])
        )
        if status == "paid":
            ordering.mark_order_paid(MarkOrderPaid(order.id, uuid.uuid4()))
        elif status:
            raise ValueError(f"no way to make an order {status} here")
    return str(order.id)


def order_path(suffix: str = "", status: str | None = None) -> Callable[[World, str], str]:
    return lambda world, role: f"api/v1/orders/{new_order(world, status)}/{suffix}"


CARD = {"method": "card", "card_number": "4242424242424242", "exp_month": 12, "exp_year": 2031}


def new_payment(world: World) -> str:
    """Place and pay an order of acme's customer; return the captured payment's id."""
    from emporium.payments import bootstrap as payments
    from emporium.payments.application.pay_order import PayOrder

    order_id = new_order(world)
    with tenant_context(world.acme):
        payment = payments.pay_order(
            PayOrder(
                order_id=UUID(order_id),
                payer_id=world.accounts["customer"].pk,
                payer_manages_shop=False,
                method="card",
                data={**CARD, "cvc": "123"},
            )
        )
    return str(payment.id)


# An order is visible to its customer and the shop's staff; to anyone else it does not exist.
ORDER_OWNER = {"other_customer": 404, **SIGNED_IN}

# A draft does not exist for customers: they get 404 where staff get the action.
DRAFT_HIDDEN = {"customer": 404, "other_customer": 404, **SIGNED_IN}


CALLS = [
    Call(
        "api/v1/auth/token/", "post", everyone(200, **SIGNED_IN), body=credentials, send_token=False
    ),
    Call("api/v1/auth/token/", "delete", everyone(204, **SIGNED_IN)),
    Call(
        "api/v1/customers/",
        "post",
        everyone(201, other_tenant_owner=401),  # anyone; a token sent along is still checked
        body=lambda w, r: {
            "email": f"{_unique(r)}@new.example",
            "password": "a fine pass 42",
            "name": "New",
        },
    ),
    Call("api/v1/me/", "get", everyone(200, **SIGNED_IN)),
    Call("api/v1/settings/", "get", everyone(200, **OWNER_ONLY)),
    Call("api/v1/audit/", "get", everyone(200, **OWNER_ONLY)),
    Call(
        "api/v1/settings/", "patch", everyone(200, **OWNER_ONLY), body=lambda w, r: {"name": "Acme"}
    ),
    Call("api/v1/categories/", "get", everyone(200, other_tenant_owner=401)),
    Call(
        "api/v1/categories/",
        "post",
        everyone(201, **STAFF_ONLY),
        body=lambda w, r: {"name": _unique("Category")},
    ),
    Call("api/v1/categories/tree/", "get", everyone(200, other_tenant_owner=401)),
    Call("api/v1/products/", "get", everyone(200, other_tenant_owner=401)),
    Call(
        "api/v1/products/",
        "post",
        everyone(201, **STAFF_ONLY),
        body=lambda w, r: {
            "name": _unique("Product"),
            "description": "",
            "category_id": None,
            "price": {"amount": "3.00", "currency": "USD"},
        },
    ),
    Call(
        "api/v1/products/<uuid:pk>/",
        "get",
        everyone(200, other_tenant_owner=401),
        path=product_path(),
    ),
    Call(
        "api/v1/products/<uuid:pk>/",
        "patch",
        everyone(200, **STAFF_ONLY),
        path=product_path(),
        body=lambda w, r: {"description": "Changed."},
    ),
    Call(
        "api/v1/products/<uuid:pk>/",
        "delete",
        everyone(204, **DRAFT_HIDDEN),
        path=product_path(publish=False),
    ),
    Call(
        "api/v1/products/<uuid:pk>/publish/",
        "post",
        everyone(200, **DRAFT_HIDDEN),
        path=product_path("publish/", publish=False),
    ),
    Call(
        "api/v1/products/<uuid:pk>/archive/",
        "post",
        everyone(200, **STAFF_ONLY),
        path=product_path("archive/"),
    ),
    Call("api/v1/orders/", "get", everyone(200, **SIGNED_IN)),
    Call(
        "api/v1/orders/",
        "post",
        everyone(201, **SIGNED_IN),
        body=lambda w, r: {"items": [{"product_id": str(w.objects["published"]), "quantity": 1}]},
    ),
    Call("api/v1/orders/<uuid:pk>/", "get", everyone(200, **ORDER_OWNER), path=order_path()),
    Call(
        "api/v1/orders/<uuid:pk>/cancel/",
        "post",
        everyone(200, **ORDER_OWNER),
        path=order_path("cancel/"),
    ),
    Call(
        "api/v1/orders/<uuid:pk>/fulfil/",
        "post",
        everyone(200, customer=403, **ORDER_OWNER),
        path=order_path("fulfil/", status="paid"),
    ),
    Call(
        "api/v1/orders/<uuid:pk>/history/",
        "get",
        everyone(200, **ORDER_OWNER),
        path=order_path("history/"),
    ),
    # The matrix's order has no address, so it has no shipment: whoever may see the order gets
    # 404 shipment-not-found without a call (tests/integration/fulfilment covers the 200s).
    Call(
        "api/v1/orders/<uuid:pk>/tracking/",
        "get",
        everyone(404, **SIGNED_IN),
        path=order_path("tracking/"),
    ),
    Call(
        "api/v1/orders/<uuid:pk>/payments/",
        "post",
        everyone(201, staff=403, owner=403, **ORDER_OWNER),
        path=order_path("payments/"),
        body=lambda w, r: {**CARD, "cvc": "123"},
    ),
    Call("api/v1/payments/", "get", everyone(200, **SIGNED_IN)),
    Call(
        "api/v1/payments/<uuid:pk>/",
        "get",
        everyone(200, **ORDER_OWNER),
        path=lambda w, r: f"api/v1/payments/{new_payment(w)}/",
    ),
    Call(
        "api/v1/payments/<uuid:pk>/refunds/",
        "post",
        everyone(201, customer=403, **ORDER_OWNER),
        path=lambda w, r: f"api/v1/payments/{new_payment(w)}/refunds/",
    ),
    # Called by the provider, not a user: no token counts, only a valid X-Signature (none here).
    Call(
        "api/v1/webhooks/payments/<str:provider>/",
        "post",
        everyone(401),
        path=lambda w, r: "api/v1/webhooks/payments/card/",
        body=lambda w, r: {"id": _unique("evt"), "type": "payment.captured", "data": {}},
    ),
    Call(
        "api/v1/products/<uuid:product_id>/stock/",
        "get",
        everyone(200, **STAFF_ONLY),
        path=stock_path,
    ),
    Call(
        "api/v1/products/<uuid:product_id>/stock/",
        "put",
        everyone(200, **STAFF_ONLY),
        path=stock_path,
        body=lambda w, r: {"on_hand": 7},
    ),
    Call("api/v1/analytics/sales/", "get", everyone(200, **STAFF_ONLY)),
    Call("api/v1/analytics/orders.csv", "get", everyone(200, **STAFF_ONLY)),
    Call("api/v1/analytics/dashboard/", "get", everyone(200, **STAFF_ONLY)),
    Call("api/v1/me/summary/", "get", everyone(200, **SIGNED_IN)),
    Call(
        "api/v1/customers/<uuid:pk>/summary/",
        "get",
        everyone(200, **STAFF_ONLY),
        path=lambda w, r: f"api/v1/customers/{w.accounts['customer'].pk}/summary/",
    ),
    Call("api/v1/me/export/", "get", everyone(200, **SIGNED_IN)),
    Call(
        "api/v1/customers/<uuid:pk>/export/",
        "get",
        everyone(200, **OWNER_ONLY),
        path=lambda w, r: f"api/v1/customers/{w.accounts['customer'].pk}/export/",
    ),
    # Customers erase themselves; owners and staff are not erased this way (422).
    Call(
        "api/v1/me/erasure/",
        "post",
        everyone(202, staff=422, owner=422, **SIGNED_IN),
        body=lambda w, r: {"password": PASSWORD},
    ),
    Call(
        "api/v1/customers/<uuid:pk>/erasure/",
        "post",
        everyone(202, **OWNER_ONLY),
        path=lambda w, r: f"api/v1/customers/{w.accounts['customer'].pk}/erasure/",
    ),
]


@pytest.fixture
def world(acme_and_globex, make_account) -> World:
    acme, globex = acme_and_globex
    world = World(acme, globex)
    for role, tenant, kind in [
        ("customer", acme, "customer"),
        ("other_customer", acme, "customer"),
        ("staff", acme, "staff"),
        ("owner", acme, "owner"),
        ("other_tenant_owner", globex, "owner"),
    ]:
        user = make_account(tenant, f"{role}@shop.example", kind, password=PASSWORD)
        world.accounts[role] = user
        with tenant_context(tenant):
            world.tokens[role] = issue_token(user)[0]
    with tenant_context(acme):
        product = catalog.create_product(
            catalog_cases.CreateProduct(
                name="Mug",
                description="A mug.",
                category_id=None,
                price=Money.of("5.00", "USD"),
                currency="USD",
            )
        )
        catalog.publish_product(catalog_cases.PublishProduct(product.id))
        world.objects["published"] = product.id
        count_stock(SetStock(product.id, 1000))
    return world


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found.extend(_routes(pattern, route))
        elif isinstance(pattern, URLPattern):
            found.append(route)
    return found


def test_every_api_route_is_in_the_matrix() -> None:
    api_routes = {route for route in _routes(get_resolver()) if route.startswith("api/v1/")}

    assert api_routes == {call.route for call in CALLS}


@pytest.mark.django_db
@pytest.mark.parametrize("call", CALLS, ids=lambda c: f"{c.method.upper()} {c.route}")
def test_each_role_gets_the_status_of_the_contract(world: World, call: Call) -> None:
    observed = {}
    for role in ROLES:
        headers: dict[str, str] = {"HTTP_HOST": "acme.localhost"}
        if role != "anonymous" and call.send_token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
        body = call.body(world, role)
        response = getattr(Client(), call.method)(
            call.url(world, role), body, content_type="application/json", **headers
        )
        observed[role] = response.status_code
        if call.route == "api/v1/auth/token/" and response.status_code == 204:
            with tenant_context(world.acme):  # the revoked token is needed by later calls
                world.tokens[role] = issue_token(world.accounts[role])[0]

    assert observed == call.expected
