"""The fulfilment link started for real, and a shop whose orders travel over it.

``start_link(ship_after=..., cooldown=...)`` gives a test the service (its own database and
virtual host, see ``link.py``), Emporium's relay and ``fulfilment`` consumer, and points this
process's link at the service. The shop has a slug of its own per test: the processes use the
caches' default key prefixes, shared with whatever else runs on this machine, and a tenant
looked up by a common slug (``acme``) could come back as another database's.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.db import transaction
from django.test import Client

from emporium.catalog import bootstrap as catalog
from emporium.catalog.application import use_cases as catalog_cases
from emporium.fulfilment import bootstrap
from emporium.identity.adapters.tokens import issue_token
from emporium.infrastructure.management.commands import serve
from emporium.inventory.application.use_cases import SetStock
from emporium.inventory.bootstrap import count_stock
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering.models import Order, OrderEvent
from emporium.shared_kernel.money import Money
from tests.e2e.fulfilment.link import SERVICE_PYTHON, Link, free_port, own_broker, service_database
from tests.faults import processes

#: What the service's simulated carrier is called (services/fulfilment/shipments/rules.py).
CARRIER = "Parcelforce Sim"
PROBLEMS = "https://emporium.example/problems/"
ADDRESS = {
    "name": "Ann Lee",
    "line1": "1 Quay St",
    "line2": "Flat 2",
    "city": "Bristol",
    "postal_code": "BS1 4DJ",
    "country": "GB",
}
CARD = {
    "method": "card",
    "card_number": "4242424242424242",
    "exp_month": 12,
    "exp_year": 2031,
    "cvc": "123",
}


def _require_installed_service() -> None:
    if SERVICE_PYTHON.exists():
        return
    reason = (
        f"service unavailable: the fulfilment service is not installed ({SERVICE_PYTHON} is "
        "missing; run `make install`)"
    )
    if os.environ.get("EMPORIUM_REQUIRE_SERVICES") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def start_link(
    settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, transactional_db: None
) -> Iterator[Callable[..., Link]]:
    """Return ``start(ship_after=1.0, cooldown=30.0)``: the link up, this process pointed at it.

    Everything it started is stopped, and its database and vhost are gone, after the test
    (and before the test's tables are emptied).
    """
    stack = ExitStack()

    def start(ship_after: float = 1.0, cooldown: float = 30.0) -> Link:
        _require_installed_service()
        broker_url = stack.enter_context(own_broker(settings.CELERY_BROKER_URL))
        settings.CELERY_BROKER_URL = broker_url
        database_url = stack.enter_context(service_database())
        # The service's environment as `make run` builds it, on this test's database.
        monkeypatch.setenv("FULFILMENT_DATABASE_URL", database_url)
        env = serve.fulfilment_env(free_port())
        env.update(
            FULFILMENT_DEBUG="1",
            FULFILMENT_SHIP_AFTER_SECONDS=str(ship_after),
            FULFILMENT_DELIVER_AFTER_SECONDS="3600",
            PYTHONUNBUFFERED="1",
        )
        link = Link(broker_url, database_url, env, tmp_path)
        stack.callback(link.close)
        settings.FULFILMENT_SERVICE_URLS = link.url
        settings.FULFILMENT_BREAKER_COOLDOWN_SECONDS = cooldown
        link.start_service()
        link.start_workers(
            processes.command_env(
                EMPORIUM_TEST_FULFILMENT_URLS=link.url,
                FULFILMENT_BREAKER_COOLDOWN_SECONDS=str(cooldown),
            )
        )
        return link

    try:
        yield start
    finally:
        stack.close()
        bootstrap.forget_link()


@dataclass
class Shop:
    """A shop of this test with a customer (ann), its staff and one product in stock."""

    tenant: TenantRef
    product: UUID
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.tenant.slug

    def call(self, method: str, url: str, who: str | None = "ann", body: Any = None) -> Any:
        headers = {"HTTP_HOST": f"{self.slug}.localhost"}
        if who:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[who]}"
        return getattr(Client(), method)(url, body, content_type="application/json", **headers)

    def place(self, address: dict[str, str] | None = ADDRESS) -> str:
        """Place an order of one unit as ann, with ``address``; return its id."""
        body: dict[str, Any] = {"items": [{"product_id": str(self.product), "quantity": 1}]}
        if address is not None:
            body["shipping_address"] = address
        response = self.call("post", "/api/v1/orders/", body=body)
        assert response.status_code == 201, response.content
        return str(response.json()["id"])

    def pay(self, order: str) -> str:
        """Pay ``order`` by card as ann; return the payment's id."""
        response = self.call("post", f"/api/v1/orders/{order}/payments/", body=CARD)
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "captured"
        return str(response.json()["id"])

    def order(self, order: str) -> dict[str, Any]:
        response = self.call("get", f"/api/v1/orders/{order}/")
        assert response.status_code == 200, response.content
        return dict(response.json())

    def history(self, order: str) -> list[dict[str, Any]]:
        response = self.call("get", f"/api/v1/orders/{order}/history/")
        assert response.status_code == 200, response.content
        return list(response.json())

    def track(self, order: str, who: str = "ann") -> Any:
        return self.call("get", f"/api/v1/orders/{order}/tracking/", who)

    def statuses(self, orders: list[str]) -> dict[str, str]:
        """Return the orders' statuses, read from the database."""
        with tenant_context(self.tenant), transaction.atomic():
            found = Order.objects.filter(pk__in=orders).values_list("pk", "status")
            return {str(pk): str(status) for pk, status in found}

    def dispatches_recorded(self, orders: list[str]) -> dict[str, list[str]]:
        """Return the tracking numbers of each order's ``order_fulfilled`` events, in order."""
        with tenant_context(self.tenant), transaction.atomic():
            recorded: dict[str, list[str]] = {order: [] for order in orders}
            events = OrderEvent.objects.filter(
                order_id__in=orders, type="ordering.order_fulfilled"
            ).order_by("order_id", "version")
            for order_id, payload in events.values_list("order_id", "payload"):
                recorded[str(order_id)].append(payload["tracking_number"])
            return recorded


@pytest.fixture
def shop(make_tenant: Callable[..., TenantRef], make_account: Callable[..., Any]) -> Shop:
    """A shop of its own (a slug no other run uses) with ann, staff and 500 mugs."""
    tenant = make_tenant(f"ship-{uuid4().hex[:10]}", "Shipping Shop")
    with tenant_context(tenant), transaction.atomic():
        product = catalog.create_product(
            catalog_cases.CreateProduct("Mug", "Described.", None, Money.of("5.00", "USD"), "USD")
        )
        catalog.publish_product(catalog_cases.PublishProduct(product.id))
        count_stock(SetStock(product.id, 500))
    shop = Shop(tenant, product.id)
    for who, role in [("ann", "customer"), ("staff", "staff")]:
        user = make_account(tenant, f"{who}@shop.example", role)
        shop.users[who] = user
        with tenant_context(tenant), transaction.atomic():
            shop.tokens[who] = issue_token(user)[0]
    return shop


@pytest.fixture
def report(capsys: pytest.CaptureFixture[str]) -> Callable[[str], None]:
    """Return a printer whose lines reach the terminal past the capture (the measurements)."""

    def write(line: str) -> None:
        with capsys.disabled():
            print(f"\n  {line}", end="")

    return write
