"""PayPal, a separately installed package, through the core's entry point discovery.

Installation is simulated in process: the package's ``src`` goes on ``sys.path`` and the
registry's ``entry_points`` answers the entry point the package's ``pyproject.toml`` declares.
Without it (the project's environment as it is), ``paypal`` is unknown and card still works.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from django.test import Client

from emporium.identity.adapters.tokens import issue_token
from emporium.multitenancy.context import tenant_context
from emporium.payments.adapters import registry
from emporium.payments.adapters.webhooks import signature_header
from emporium.payments.models import Payment
from emporium.tenancy.models import TenantSettings
from tests.e2e.payments.test_payments_api import PROBLEMS, card, order_status, pay, place

pytestmark = pytest.mark.django_db

PACKAGE_SRC = Path(__file__).resolve().parents[3] / "packages" / "emporium-paypal" / "src"
PAYPAL = EntryPoint(
    name="paypal", value="emporium_paypal:PayPalProvider", group="emporium.payment_providers"
)


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    """Discover providers anew in each test, and leave the process's set as it was."""
    registry.providers.cache_clear()
    yield
    registry.providers.cache_clear()


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Install the package in process: importable, and announced by its entry point."""
    monkeypatch.syspath_prepend(str(PACKAGE_SRC))

    def entry_points(*, group: str) -> list[EntryPoint]:
        return [PAYPAL] if group == registry.GROUP else []

    monkeypatch.setattr(registry, "entry_points", entry_points)


def enable(shop, make_account, methods: list[str]):
    user = make_account(shop.acme, "owner@shop.example", "owner")
    with tenant_context(shop.acme):
        shop.tokens["owner"] = issue_token(user)[0]
    return shop.call("patch", "/api/v1/settings/", "owner", {"payment_methods": methods})


def paypal(token: str = "approved-abc") -> dict[str, str]:
    return {"method": "paypal", "approval_token": token}


def test_the_core_does_not_know_paypal_unless_it_is_installed() -> None:
    assert "paypal" not in registry.providers()
    assert list(registry.providers()) == ["card"]


def test_installed_and_enabled_paypal_pays_an_order(shop, make_account, installed) -> None:
    enabled = enable(shop, make_account, ["card", "paypal"])
    order = place(shop)

    response = pay(shop, order["id"], paypal())

    assert enabled.status_code == 200
    assert enabled.json()["payment_methods"] == ["card", "paypal"]
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["method"], body["status"], body["brand"], body["last4"]) == (
        "paypal",
        "captured",
        "paypal",
        "",
    )
    assert body["amount"] == {"amount": "50.33", "currency": "USD"}
    assert order_status(shop, order["id"]) == "paid"


def test_a_declined_paypal_approval_is_402(shop, make_account, installed) -> None:
    enable(shop, make_account, ["card", "paypal"])
    order = place(shop)

    response = pay(shop, order["id"], paypal("declined-abc"))

    assert response.status_code == 402
    assert response.json()["type"] == PROBLEMS + "payment-declined"
    assert order_status(shop, order["id"]) == "confirmed"


def test_a_missing_approval_token_is_400(shop, make_account, installed) -> None:
    enable(shop, make_account, ["card", "paypal"])
    order = place(shop)

    response = pay(shop, order["id"], {"method": "paypal"})

    assert response.status_code == 400
    assert response.json()["errors"] == {"approval_token": ["Give the PayPal approval token."]}


def test_installed_but_not_enabled_paypal_is_422(shop, installed) -> None:
    order = place(shop)

    response = pay(shop, order["id"], paypal())

    assert response.status_code == 422
    assert response.json()["type"] == PROBLEMS + "payment-method-not-enabled"


def test_without_the_package_paypal_is_422_and_card_still_works(shop, make_account) -> None:
    refused = enable(shop, make_account, ["card", "paypal"])
    # Even a tenant whose settings name paypal (enabled while it was installed) cannot use it.
    with tenant_context(shop.acme):
        TenantSettings.objects.update(payment_methods=["card", "paypal"])
    order = place(shop)

    with_paypal = pay(shop, order["id"], paypal())
    with_card = pay(shop, order["id"], card())

    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"payment_methods.1"}
    assert with_paypal.status_code == 422
    assert with_paypal.json()["type"] == PROBLEMS + "payment-method-not-enabled"
    assert with_card.status_code == 201
    assert with_card.json()["method"] == "card"


def test_a_plugin_that_fails_to_load_leaves_card_working(shop, monkeypatch, caplog) -> None:
    broken = EntryPoint(name="paypal", value="no_such_module:Nothing", group=registry.GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda *, group: [broken])
    order = place(shop)

    response = pay(shop, order["id"], card())

    assert response.status_code == 201
    assert list(registry.providers()) == ["card"]
    assert "payment provider plugin 'paypal'" in caplog.text


def test_a_paypal_webhook_records_a_refund_made_at_paypal(shop, make_account, installed) -> None:
    enable(shop, make_account, ["card", "paypal"])
    order = place(shop)
    paid = pay(shop, order["id"], paypal()).json()
    with tenant_context(shop.acme):
        row = Payment.objects.get(pk=paid["id"])
        secret = TenantSettings.objects.values_list("webhook_secret", flat=True).get()
    body = json.dumps(
        {
            "id": "WH-1",
            "type": "payment.refunded",
            "data": {
                "transaction_id": row.transaction_id,
                "amount": {"amount": "5.00", "currency": "USD"},
            },
        }
    ).encode()

    response = Client().post(
        "/api/v1/webhooks/payments/paypal/",
        body,
        content_type="application/json",
        HTTP_HOST="acme.localhost",
        HTTP_X_SIGNATURE=signature_header(secret, int(time.time()), body),
    )

    assert response.status_code == 200
    assert response.json()["status"] == "applied"
    with tenant_context(shop.acme):
        row.refresh_from_db()
    assert (row.status, str(row.refunded_amount.amount)) == ("partially_refunded", "5.00")
