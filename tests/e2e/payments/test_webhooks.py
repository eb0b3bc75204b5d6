"""Signed payment webhooks (API.md "Webhooks"): verified once, refused with 401 otherwise."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.test import Client

from emporium.identity.models import AuditEvent
from emporium.infrastructure.http.throttles import WebhookThrottle
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import tenant_context
from emporium.ordering.models import Order
from emporium.payments.adapters.webhooks import signature_header
from emporium.payments.models import Payment, ProcessedWebhook
from emporium.tenancy.models import TenantSettings
from tests.e2e.payments.test_payments_api import PROBLEMS, card, pay, place

pytestmark = pytest.mark.django_db

URL = "/api/v1/webhooks/payments/{}/"


def secret_of(tenant) -> str:
    with tenant_context(tenant):
        return str(TenantSettings.objects.values_list("webhook_secret", flat=True).get())


def paid(shop) -> Payment:
    """Pay an order of ann's (total 50.33 USD) by card; return its payment row."""
    order = place(shop)
    response = pay(shop, order["id"], card())
    assert response.status_code == 201
    with tenant_context(shop.acme):
        return Payment.objects.get(pk=response.json()["id"])


def event(
    payment: Payment, kind: str = "payment.refunded", event_id: str = "evt_1", **data: Any
) -> bytes:
    body = {
        "id": event_id,
        "type": kind,
        "data": {"transaction_id": payment.transaction_id, **data},
    }
    return json.dumps(body).encode()


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


def post(
    body: bytes,
    header: str | None,
    provider: str = "card",
    host: str = "acme.localhost",
):
    headers = {"HTTP_HOST": host}
    if header is not None:
        headers["HTTP_X_SIGNATURE"] = header
    return Client().post(URL.format(provider), body, content_type="application/json", **headers)


def signed(shop, body: bytes, *, at: int | None = None, secret: str | None = None) -> str:
    timestamp = int(time.time()) if at is None else at
    return signature_header(secret or secret_of(shop.acme), timestamp, body)


def state(shop, payment: Payment) -> tuple[str, str, int, int]:
    """Return the payment's status and refunded amount, webhooks and refund events stored."""
    with tenant_context(shop.acme):
        row = Payment.objects.get(pk=payment.pk)
        return (
            row.status,
            str(row.refunded_amount.amount),
            ProcessedWebhook.objects.count(),
            OutboxMessage.objects.filter(type="payments.payment_refunded").count(),
        )


def assert_unauthorized(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEMS + "invalid-signature"


def test_a_valid_refund_event_records_the_refund_once(shop) -> None:
    payment = paid(shop)
    assert str(payment.amount.amount) == "50.33"
    body = event(payment, amount=usd("10.00"))

    response = post(body, signed(shop, body))

    assert response.status_code == 200
    assert response.json() == {"id": "evt_1", "type": "payment.refunded", "status": "applied"}
    assert state(shop, payment) == ("partially_refunded", "10.00", 1, 1)
    with tenant_context(shop.acme):
        processed = ProcessedWebhook.objects.get()
    assert (processed.provider, processed.event_id) == ("card", "evt_1")


def test_a_provider_refund_of_everything_makes_the_order_refunded_without_restock(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("50.33"))

    response = post(body, signed(shop, body))

    assert response.status_code == 200
    assert state(shop, payment) == ("refunded", "50.33", 1, 1)
    with tenant_context(shop.acme):
        assert str(Order.objects.get(pk=payment.order_id).status) == "refunded"
        [refunded] = OutboxMessage.objects.filter(type="ordering.order_refunded")
    assert (refunded.payload["fully"], refunded.payload["restocked"]) == (True, False)


def test_a_repeated_event_id_is_200_and_changes_nothing(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("10.00"))
    assert post(body, signed(shop, body)).status_code == 200

    again = post(body, signed(shop, body))
    # Same id, different content: still the same event, still applied once.
    other = event(payment, amount=usd("20.00"))
    other_again = post(other, signed(shop, other))

    assert again.status_code == other_again.status_code == 200
    assert again.json() == {"id": "evt_1", "type": "payment.refunded", "status": "duplicate"}
    assert other_again.json()["status"] == "duplicate"
    assert state(shop, payment) == ("partially_refunded", "10.00", 1, 1)


def test_refunds_up_to_the_capture_then_one_above_it_is_refused(shop) -> None:
    payment = paid(shop)
    first = event(payment, event_id="evt_a", amount=usd("50.00"))
    assert post(first, signed(shop, first)).status_code == 200

    above = event(payment, event_id="evt_b", amount=usd("0.34"))
    refused = post(above, signed(shop, above))
    rest = event(payment, event_id="evt_c", amount=usd("0.33"))
    done = post(rest, signed(shop, rest))

    assert refused.status_code == 422
    assert refused.json()["type"] == PROBLEMS + "refund-exceeds-capture"
    assert done.status_code == 200
    assert state(shop, payment) == ("refunded", "50.33", 2, 2)


def test_a_refund_above_the_capture_changes_nothing(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("50.34"))

    response = post(body, signed(shop, body))

    assert response.status_code == 422
    assert response.json()["type"] == PROBLEMS + "refund-exceeds-capture"
    assert state(shop, payment) == ("captured", "0.00", 0, 0)


def test_a_wrong_secret_is_401_and_changes_nothing(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("10.00"))

    response = post(body, signed(shop, body, secret="not-the-shops-secret"))

    assert_unauthorized(response)
    assert response.json()["detail"] == "The X-Signature does not match."
    assert state(shop, payment) == ("captured", "0.00", 0, 0)


def test_another_tenants_secret_is_refused(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("10.00"))
    globex_secret = secret_of(shop.globex)
    assert globex_secret != secret_of(shop.acme)

    response = post(body, signed(shop, body, secret=globex_secret))

    assert_unauthorized(response)
    assert state(shop, payment) == ("captured", "0.00", 0, 0)


def test_a_tampered_body_is_401_and_changes_nothing(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("1.00"))
    header = signed(shop, body)
    tampered = body.replace(b'"1.00"', b'"50.00"')
    assert tampered != body

    response = post(tampered, header)

    assert_unauthorized(response)
    assert state(shop, payment) == ("captured", "0.00", 0, 0)


# Ten seconds past the tolerance: a loaded machine may take a second or more between signing
# and verifying, and int(time.time()) truncates, so 301 s could arrive as 299.
@pytest.mark.parametrize("offset", [-310, 310])
def test_a_timestamp_more_than_five_minutes_away_is_401(shop, offset: int) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("10.00"))

    response = post(body, signed(shop, body, at=int(time.time()) + offset))

    assert_unauthorized(response)
    assert response.json()["detail"] == "The X-Signature timestamp is too far from now."
    assert state(shop, payment) == ("captured", "0.00", 0, 0)


def test_a_timestamp_within_five_minutes_is_accepted(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("10.00"))

    response = post(body, signed(shop, body, at=int(time.time()) - 240))

    assert response.status_code == 200
    assert state(shop, payment) == ("partially_refunded", "10.00", 1, 1)


def test_a_missing_header_is_401(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("10.00"))

    response = post(body, None)

    assert_unauthorized(response)
    assert response.json()["detail"] == "The X-Signature header is missing."
    assert state(shop, payment) == ("captured", "0.00", 0, 0)


@pytest.mark.parametrize(
    "header",
    [
        "",
        "garbage",
        "v1=abc",
        "t=,v1=abc",
        "t=12x,v1=abc",
        "t=1700000000",
        "t=1,t=2,v1=abc",
        "t=-5,v1=abc",
    ],
)
def test_a_malformed_header_is_401(shop, header: str) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("10.00"))

    response = post(body, header)

    assert_unauthorized(response)
    detail = response.json()["detail"]
    assert detail in {"The X-Signature header is malformed.", "The X-Signature header is missing."}
    assert state(shop, payment) == ("captured", "0.00", 0, 0)


def test_a_captured_event_confirms_the_capture_and_changes_nothing(shop) -> None:
    payment = paid(shop)
    body = event(payment, kind="payment.captured", event_id="evt_cap", amount=usd("50.33"))

    first = post(body, signed(shop, body))
    second = post(body, signed(shop, body))

    assert first.status_code == second.status_code == 200
    assert first.json() == {"id": "evt_cap", "type": "payment.captured", "status": "applied"}
    assert second.json()["status"] == "duplicate"
    assert state(shop, payment) == ("captured", "0.00", 1, 0)


def test_a_captured_event_of_another_amount_is_422(shop) -> None:
    payment = paid(shop)
    body = event(payment, kind="payment.captured", amount=usd("1.00"))

    response = post(body, signed(shop, body))

    assert response.status_code == 422
    assert response.json()["type"] == PROBLEMS + "capture-mismatch"
    assert state(shop, payment) == ("captured", "0.00", 0, 0)


def test_an_unknown_event_type_is_200_ignored_and_not_recorded(shop) -> None:
    payment = paid(shop)
    body = event(payment, kind="payment.disputed", event_id="evt_x")

    response = post(body, signed(shop, body))

    assert response.status_code == 200
    assert response.json() == {"id": "evt_x", "type": "payment.disputed", "status": "ignored"}
    assert state(shop, payment) == ("captured", "0.00", 0, 0)


def test_an_unknown_provider_is_404(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("10.00"))

    response = post(body, signed(shop, body), provider="bitcoin")

    assert response.status_code == 404
    assert state(shop, payment) == ("captured", "0.00", 0, 0)


def test_an_unknown_transaction_is_404_and_not_recorded(shop) -> None:
    body = json.dumps(
        {
            "id": "evt_1",
            "type": "payment.refunded",
            "data": {"transaction_id": "ch_none", "amount": usd("1.00")},
        }
    ).encode()

    response = post(body, signed(shop, body))

    assert response.status_code == 404
    with tenant_context(shop.acme):
        assert ProcessedWebhook.objects.count() == 0


def test_a_signed_event_that_is_not_an_event_is_400(shop) -> None:
    body = b'{"type": "payment.refunded"}'

    response = post(body, signed(shop, body))

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"id"}


def test_a_signed_body_nested_too_deeply_to_decode_is_400(shop) -> None:
    body = b"[" * 100_000

    response = post(body, signed(shop, body))

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"body"}


@pytest.mark.parametrize("field", ["id", "transaction_id"])
def test_a_signed_event_with_a_nul_in_an_id_is_400_and_changes_nothing(shop, field: str) -> None:
    payment = paid(shop)
    before = state(shop, payment)
    document = json.loads(event(payment, amount=usd("10.00")))
    if field == "id":
        document["id"] = "evt_\x00"
    else:
        document["data"]["transaction_id"] += "\x00"
    body = json.dumps(document).encode()

    response = post(body, signed(shop, body))

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"id" if field == "id" else "data.transaction_id"}
    assert state(shop, payment) == before


def test_an_event_signed_and_sent_for_globex_cannot_touch_acmes_payment(shop) -> None:
    payment = paid(shop)
    body = event(payment, amount=usd("10.00"))
    # Under globex the transaction names no payment (404, not recorded): acme's event of the
    # same id is then applied as its own.
    at_globex = post(
        body, signed(shop, body, secret=secret_of(shop.globex)), host="globex.localhost"
    )
    at_acme = post(body, signed(shop, body))

    assert at_globex.status_code == 404
    assert at_acme.status_code == 200
    assert state(shop, payment) == ("partially_refunded", "10.00", 1, 1)


def test_webhooks_are_throttled_per_ip_before_the_signature_is_checked(shop, monkeypatch) -> None:
    monkeypatch.setattr(WebhookThrottle, "THROTTLE_RATES", {"webhooks": "3/min"})
    payment = paid(shop)
    body = event(payment, amount=usd("5.00"))
    forged = signed(shop, body, secret="not-the-shop-secret")

    statuses = [post(body, forged).status_code for _ in range(4)]
    elsewhere = Client(REMOTE_ADDR="198.51.100.9").post(
        URL.format("card"),
        body,
        content_type="application/json",
        HTTP_HOST="acme.localhost",
        HTTP_X_SIGNATURE=forged,
    )

    assert statuses == [401, 401, 401, 429]
    assert elsewhere.status_code == 401  # another address has its own count
    with tenant_context(shop.acme):
        assert AuditEvent.objects.filter(event="webhook_signature_failed").count() == 4
