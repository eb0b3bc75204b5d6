"""A shop driven through the HTTP API until it has published what the contract tests read.

Requests run inside the test's transaction; their commit hooks (in-process consumers, the
fulfilment link) never run, so what is read is what the use cases wrote to the outbox.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client

from emporium.identity.adapters.tokens import issue_token
from emporium.infrastructure.bus import message_bus
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.shared_kernel.events import rfc3339
from emporium.tenancy.adapters.repository import DjangoTenancyUnitOfWork
from emporium.tenancy.application.use_cases import (
    CreateTenant,
    DeleteTenant,
    ReactivateTenant,
    SuspendTenant,
    create_tenant,
    delete_tenant,
    reactivate_tenant,
    suspend_tenant,
)
from tests.contracts_support import contract

CARD = {"method": "card", "exp_month": 12, "exp_year": 2031, "cvc": "314"}
CAPTURES = "4242424242424242"
DECLINES = "4000000000000002"
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 St James's Square",
    "line2": "",
    "city": "London",
    "postal_code": "SW1Y 4JH",
    "country": "GB",
}
#: The link's key in these tests (FULFILMENT_SERVICE_KEY), set by the ``shop`` fixture.
LINK_KEY = "contract-tests-link-key"
#: The fulfilment service's envelopes arrive on the platform host (ADR 0018).
PLATFORM_HOST = "localhost"
INTERNAL_EVENTS = "/internal/events/"


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def outbox() -> list[dict[str, Any]]:
    """Return every outbox row's envelope as the relay publishes it, oldest first."""
    rows = OutboxMessage.objects.using("default").order_by("created_at", "occurred_at")
    return [row.to_envelope().to_dict() for row in rows]


@dataclass
class Shop:
    """Acme's owner, staff and customer ann, signed in; globex beside it."""

    acme: TenantRef
    globex: TenantRef
    tokens: dict[str, str] = field(default_factory=dict)
    products: dict[str, str] = field(default_factory=dict)

    def call(
        self,
        method: str,
        path: str,
        who: str | None = None,
        body: Any = None,
        expect: int | None = None,
    ) -> Any:
        """Send one request to acme; with ``expect``, assert the status (showing the body)."""
        headers: dict[str, Any] = {"HTTP_HOST": "acme.localhost"}
        if who:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[who]}"
        extra: dict[str, Any] = {}
        if body is not None:
            extra = {"data": json.dumps(body), "content_type": "application/json"}
        response = getattr(Client(raise_request_exception=False), method)(path, **extra, **headers)
        if expect is not None:
            assert response.status_code == expect, (
                f"{method.upper()} {path}: {response.status_code} {response.content[:500]!r}"
            )
        return response

    # --- catalog and stock ------------------------------------------------------------------

    def product(self, name: str, price: str, stock: int, category: str | None = None) -> str:
        """Create, publish and stock a product as staff; return its id."""
        created = self.call(
            "post",
            "/api/v1/products/",
            "staff",
            {
                "name": name,
                "description": f"A {name}.",
                "category_id": category,
                "price": usd(price),
            },
            expect=201,
        ).json()
        self.call("post", f"/api/v1/products/{created['id']}/publish/", "staff", expect=200)
        if stock:
            stock_url = f"/api/v1/products/{created['id']}/stock/"
            self.call("put", stock_url, "staff", {"on_hand": stock}, expect=200)
        self.products[name] = created["id"]
        return str(created["id"])

    def catalog(self) -> None:
        """Publish every catalog and inventory event that staff cause by hand."""
        category = self.call(
            "post", "/api/v1/categories/", "staff", {"name": "Kitchen"}, expect=201
        ).json()["id"]
        mug = self.product("mug", "4.50", stock=20, category=category)
        change = f"/api/v1/products/{mug}/"
        self.call("patch", change, "staff", {"description": "A big mug."}, expect=200)
        self.call("patch", change, "staff", {"price": usd("4.75")}, expect=200)
        self.product("pan", "45.90", stock=5)
        retired = self.product("kettle", "30.00", stock=0)
        self.call("post", f"/api/v1/products/{retired}/archive/", "staff", expect=200)
        draft = self.call(
            "post",
            "/api/v1/products/",
            "staff",
            {"name": "Scrap", "description": "", "price": usd("1.00")},
            expect=201,
        ).json()["id"]
        self.call("delete", f"/api/v1/products/{draft}/", "staff", expect=204)

    # --- orders -----------------------------------------------------------------------------

    def place(self, *items: tuple[str, int], address: dict[str, str] | None = None) -> str:
        """Place an order as ann; return its id."""
        body: dict[str, Any] = {
            "items": [{"product_id": self.products[name], "quantity": n} for name, n in items]
        }
        if address is not None:
            body["shipping_address"] = address
        return str(self.call("post", "/api/v1/orders/", "ann", body, expect=201).json()["id"])

    def pay(self, order_id: str, card: str = CAPTURES, expect: int = 201) -> dict[str, Any]:
        """Pay an order as ann by card; return the answer's body."""
        body = {**CARD, "card_number": card}
        answer: dict[str, Any] = self.call(
            "post", f"/api/v1/orders/{order_id}/payments/", "ann", body, expect=expect
        ).json()
        return answer

    def orders(self) -> None:
        """Cancel one order; decline, pay and fulfil one by hand; refund one in two steps."""
        cancelled = self.place(("mug", 1))
        self.call("post", f"/api/v1/orders/{cancelled}/cancel/", "ann", expect=200)

        by_hand = self.place(("mug", 2), ("pan", 1))
        self.pay(by_hand, DECLINES, expect=402)
        self.pay(by_hand)
        self.call("post", f"/api/v1/orders/{by_hand}/fulfil/", "staff", expect=200)

        refunded = self.place(("mug", 3))
        payment = self.pay(refunded)["id"]
        refunds = f"/api/v1/payments/{payment}/refunds/"
        self.call("post", refunds, "staff", {"amount": usd("1.00")}, expect=201)
        self.call("post", refunds, "staff", {"restock": True}, expect=201)

    def shipped(self) -> tuple[str, dict[str, Any]]:
        """Place an order with an address, pay it, and report its parcel dispatched.

        Return the order id and the ``fulfilment.shipment_dispatched`` envelope sent.
        """
        order_id = self.place(("pan", 1), address=ADDRESS)
        self.pay(order_id)
        dispatched = shipment_dispatched(order_id, self.acme.slug)
        answer = deliver_from_service(dispatched)
        assert answer.status_code == 204, answer.content[:500]
        return order_id, dispatched

    # --- identity and tenancy ---------------------------------------------------------------

    def register(self) -> None:
        """Register a customer through the public API."""
        self.call(
            "post",
            "/api/v1/customers/",
            body={"email": "cleo@shop.example", "password": "quiet lantern 8731", "name": "Cleo"},
            expect=201,
        )

    def erase(self) -> None:
        """Register a customer and have the owner erase them."""
        created = self.call(
            "post",
            "/api/v1/customers/",
            body={"email": "dora@shop.example", "password": "quiet lantern 8731", "name": "Dora"},
            expect=201,
        ).json()
        self.call("post", f"/api/v1/customers/{created['id']}/erasure/", "owner", expect=202)

    def tenancy(self) -> None:
        """Change acme's settings as its owner; suspend and reactivate globex on the platform;
        create and delete a third shop."""
        self.call("patch", "/api/v1/settings/", "owner", {"tax_rate": "10.00"}, expect=200)
        # On the app's connection, so that the rows stay in the test's transaction.
        uow = DjangoTenancyUnitOfWork(message_bus(), using="default")
        suspend_tenant(SuspendTenant(self.globex.slug), uow)
        reactivate_tenant(ReactivateTenant(self.globex.slug), uow)
        # A shop with nothing but its own rows leaves: tenancy.tenant_deleted.
        create_tenant(CreateTenant(slug="initech", name="Initech"), uow)
        delete_tenant(DeleteTenant("initech"), uow)


def shipment_dispatched(order_id: str, tenant: str) -> dict[str, Any]:
    """Return a ``fulfilment.shipment_dispatched`` envelope as the service writes one.

    It is checked against the contract before it is sent: the service's tests hold the
    service to the same schema.
    """
    shipped_at = rfc3339(datetime.now(UTC))
    envelope = {
        "id": str(uuid.uuid4()),
        "type": "fulfilment.shipment_dispatched",
        "occurred_at": shipped_at,
        "tenant": tenant,
        "aggregate_id": order_id,
        "aggregate_version": 1,
        "payload": {
            "order_id": order_id,
            "carrier": "Parcelforce Sim",
            "tracking_number": f"PF{uuid.uuid4().hex[:12].upper()}",
            "shipped_at": shipped_at,
        },
    }
    contract().check(envelope)
    return envelope


def deliver_from_service(envelope: dict[str, Any]) -> Any:
    """POST an envelope to Emporium as the service's HTTP relay does, signed with the link's key."""
    from emporium.fulfilment.adapters.signing import signed_headers

    body = json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode()
    headers = signed_headers(LINK_KEY, "POST", INTERNAL_EVENTS, envelope["tenant"] or "", body)
    return Client(raise_request_exception=False).post(
        INTERNAL_EVENTS,
        data=body,
        content_type="application/json",
        headers=headers,
        HTTP_HOST=PLATFORM_HOST,
    )


@pytest.fixture
def shop(acme_and_globex: Any, make_account: Any, settings: Any) -> Shop:
    """Return acme with an owner, staff and the customer ann signed in; globex beside it."""
    settings.FULFILMENT_SERVICE_KEY = LINK_KEY
    acme, globex = acme_and_globex
    shop = Shop(acme, globex)
    for who, role in (("owner", "owner"), ("staff", "staff"), ("ann", "customer")):
        user = make_account(acme, f"{who}@shop.example", role)
        with tenant_context(acme):
            shop.tokens[who] = issue_token(user)[0]
    return shop
