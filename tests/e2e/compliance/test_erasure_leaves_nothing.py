"""After an erasure no table holds the customer's e-mail, name or any line of their address, and
the shop's figures are those of before, live and rebuilt from the (scrubbed) event store.

The customer registers, fails to sign in twice, signs in, and orders through the API: one order
shipped through the fulfilment link, one paid and refunded, one cancelled, one without address,
with idempotency keys; notifications go out after each commit. The scan walks the database's
own catalog (PostgreSQL's, or SQLite's in the embedded mode): every text, character, JSON and
bytes column of every table.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, transaction

from emporium.infrastructure.personal_data import personal_fields
from emporium.multitenancy.context import tenant_context
from tests.e2e.compliance.conftest import CARD
from tests.integration.contracts.conftest import (
    LINK_KEY,
    deliver_from_service,
    shipment_dispatched,
)

pytestmark = pytest.mark.django_db

EMAIL = "zephyrine.vantablack@mailbox.example"
NAME = "Zephyrine Oakenshield"
PASSWORD = "marble orchard 9182"
ADDRESS = {
    "name": "Zephyrine Oakenshield",
    "line1": "41 Quillmoor Crescent",
    "line2": "Upper Garret 7",
    "city": "Thistlewick",
    "postal_code": "QX7 3WZ",
    "country": "GB",
}
#: The address her requests come from (nobody else's: the other callers use the default).
IP = "203.0.113.77"
#: What must be nowhere after the erasure (matched in any case, anywhere inside a value).
PERSONAL = list(
    dict.fromkeys(
        [
            EMAIL,
            IP,
            "zephyrine.vantablack",
            NAME,
            "Zephyrine",
            "Oakenshield",
            *(value for key, value in ADDRESS.items() if key != "country"),
        ]
    )
)
#: The column types a person's data could be written into (IP addresses: inet, read as text).
SCANNED_TYPES = ("text", "varchar", "bpchar", "json", "jsonb", "bytea", "inet")


class RefusingMailServer(BaseEmailBackend):
    """An SMTP server that refuses the address, naming it in its error, as real ones do."""

    def send_messages(self, email_messages: Any) -> int:
        recipients = ", ".join(r for message in email_messages for r in message.to)
        raise OSError(f"550 5.1.1 <{recipients}>: mailbox unavailable")


def columns() -> list[tuple[str, str, str]]:
    """Return (table, column, type) of every text, JSON or bytes column of every table, from the
    database's own catalog (PostgreSQL's, or SQLite's in the embedded mode)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            found = []
            for (table,) in cursor.fetchall():
                cursor.execute(f'PRAGMA table_info("{table}")')
                for _, column, kind, *_ in cursor.fetchall():
                    if any(word in kind.lower() for word in ("char", "text", "json", "blob")):
                        found.append((table, column, "bytea" if "blob" in kind.lower() else kind))
            return found
        cursor.execute(
            """
            SELECT c.relname, a.attname, t.typname
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
              AND a.attnum > 0 AND NOT a.attisdropped AND t.typname = ANY(%s)
            ORDER BY c.relname, a.attnum
            """,
            [list(SCANNED_TYPES)],
        )
        return list(cursor.fetchall())


def scan() -> dict[str, list[str]]:
    """Return, per value of PERSONAL, the ``table.column``s holding it (the shop's rows)."""
    postgres = connection.vendor == "postgresql"
    found: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table, column, kind in columns():
            if not postgres:
                text = f'CAST("{column}" AS TEXT)'
                where = f"instr(lower({text}), lower(%s)) > 0"
            else:
                text = f"encode(\"{column}\", 'escape')" if kind == "bytea" else f'"{column}"::text'
                where = f"strpos(lower({text}), lower(%s)) > 0"
            for value in PERSONAL:
                cursor.execute(f'SELECT 1 FROM "{table}" WHERE {where} LIMIT 1', [value])
                if cursor.fetchone():
                    found.setdefault(value, []).append(f"{table}.{column}")
    return found


def registered() -> set[str]:
    """Return ``table.column`` of every column the personal-data registry declares personal."""
    columns = set()
    for entry in personal_fields():
        model = apps.get_model(entry.model)
        columns.add(f"{model._meta.db_table}.{model._meta.get_field(entry.field).column}")
    return columns


def today() -> str:
    return datetime.now(UTC).date().isoformat()


class Customer:
    """Zephyrine, driving the shop through its API like a client would."""

    def __init__(self, shop: Any, call: Any) -> None:
        self.shop, self.call = shop, call
        self.id = ""

    def send(self, method: str, url: str, body: Any = None, **headers: Any) -> Any:
        who = "zephyrine" if "zephyrine" in self.shop.tokens else None
        return self.call(
            method, url, who, body, HTTP_USER_AGENT="Zephyrine's phone", REMOTE_ADDR=IP, **headers
        )

    def register_and_sign_in(self) -> None:
        created = self.send(
            "post", "/api/v1/customers/", {"email": EMAIL, "password": PASSWORD, "name": NAME}
        )
        assert created.status_code == 201, created.content
        self.id = created.json()["id"]
        for _ in range(2):
            wrong = self.send("post", "/api/v1/auth/token/", {"email": EMAIL, "password": "x"})
            assert wrong.status_code == 401
        signed_in = self.send("post", "/api/v1/auth/token/", {"email": EMAIL, "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.content
        self.shop.tokens["zephyrine"] = signed_in.json()["token"]

    def order(self, key: str, address: dict[str, str] | None = None) -> str:
        body: dict[str, Any] = {
            "items": [{"product_id": str(self.shop.products["mug"]), "quantity": 2}]
        }
        if address:
            body["shipping_address"] = address
        placed = self.send("post", "/api/v1/orders/", body, HTTP_IDEMPOTENCY_KEY=key)
        assert placed.status_code == 201, placed.content
        return str(placed.json()["id"])

    def pay(self, order_id: str, key: str) -> str:
        paid = self.send(
            "post", f"/api/v1/orders/{order_id}/payments/", CARD, HTTP_IDEMPOTENCY_KEY=key
        )
        assert paid.status_code == 201, paid.content
        return str(paid.json()["id"])


def figures(shop, call, customer_id: str) -> dict[str, Any]:
    """Return the shop's sales figures of today as staff read them, and the projections' rows."""
    period = f"?from={today()}&to={today()}"
    sales = call("get", f"/api/v1/analytics/sales/{period}", "staff")
    dashboard = call("get", f"/api/v1/analytics/dashboard/{period}", "staff")
    summary = call("get", f"/api/v1/customers/{customer_id}/summary/", "staff")
    assert (sales.status_code, dashboard.status_code, summary.status_code) == (200, 200, 200)
    board = dashboard.json()
    board.pop("activity")  # the feed's newest entries: the same events, read again
    with tenant_context(shop.acme), transaction.atomic():
        rows = {
            model._meta.label: model.objects.count()
            for model in apps.get_app_config("analytics").get_models()
        }
    return {"sales": sales.json(), "dashboard": board, "summary": summary.json(), "rows": rows}


def test_an_erased_customer_is_nowhere_and_the_figures_stay(shop, call, settings) -> None:
    settings.FULFILMENT_SERVICE_KEY = LINK_KEY
    zephyrine = Customer(shop, call)
    # Everything a customer leaves behind, committed request by request (``call`` runs each
    # request's commit hooks: the notifications, the projections, the fulfilment link).
    # The welcome e-mail fails: its delivery failure keeps the envelope and the server's error.
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    zephyrine.register_and_sign_in()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    shipped = zephyrine.order("order-shipped", ADDRESS)
    zephyrine.pay(shipped, "pay-shipped")
    dispatched = deliver_from_service(shipment_dispatched(shipped, shop.acme.slug))
    assert dispatched.status_code == 204, dispatched.content
    refunded = zephyrine.order("order-refunded", ADDRESS)
    payment = zephyrine.pay(refunded, "pay-refunded")
    refund = call("post", f"/api/v1/payments/{payment}/refunds/", "staff", {})
    assert refund.status_code == 201, refund.content
    cancelled = zephyrine.order("order-cancelled", ADDRESS)
    assert zephyrine.send("post", f"/api/v1/orders/{cancelled}/cancel/").status_code == 200
    plain = zephyrine.order("order-plain")
    zephyrine.pay(plain, "pay-plain")
    # Another customer's order, so that the figures are not only hers.
    other = call(
        "post",
        "/api/v1/orders/",
        "ann",
        {"items": [{"product_id": str(shop.products["pan"]), "quantity": 1}]},
    )
    assert other.status_code == 201
    orders = call("get", f"/api/v1/orders/{shipped}/", "staff").json()
    assert orders["status"] == "fulfilled"
    assert orders["fulfilment"]["carrier"] == "Parcelforce Sim"

    before = figures(shop, call, zephyrine.id)
    with tenant_context(shop.acme), transaction.atomic():
        found_before = scan()
    # The scan finds her everywhere she was written: it is no empty walk.
    assert {
        "identity_user.email",
        "ordering_order.shipping_address",
        "ordering_orderevent.payload",
        "infrastructure_outboxmessage.payload",
        "identity_idempotencyrecord.response_body",
        "axes_accessattempt.username",
        "infrastructure_deliveryfailure.envelope",
        "infrastructure_deliveryfailure.last_error",
        "identity_auditevent.user_agent",
        "identity_auditevent.ip_address",
        "axes_accessattempt.ip_address",
    } <= {column for where in found_before.values() for column in where}
    # Every column she was found in is one the personal-data registry declares.
    assert {column for where in found_before.values() for column in where} <= registered()

    erased = zephyrine.send("post", "/api/v1/me/erasure/", {"password": PASSWORD})

    assert erased.status_code == 202, erased.content
    with tenant_context(shop.acme), transaction.atomic():
        assert scan() == {}
    exported = call("get", f"/api/v1/customers/{zephyrine.id}/export/", "owner")
    assert exported.status_code == 200
    text = json.dumps(exported.json()).lower()
    assert [value for value in PERSONAL if value.lower() in text] == []
    assert figures(shop, call, zephyrine.id) == before
    out = StringIO()
    call_command("verify_orders", "--tenant=acme", stdout=out, stderr=StringIO())
    assert "acme: 5 orders verified, 0 differ" in out.getvalue()
    for name in ("sales", "customer-summary", "product-sales", "dashboard"):
        call_command(
            "rebuild_projection", name, "--tenant=acme", stdout=StringIO(), stderr=StringIO()
        )
    assert figures(shop, call, zephyrine.id) == before
