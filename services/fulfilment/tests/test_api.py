"""The HTTP API: signed, tenant-scoped, problem JSON on every refusal."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from shipments.carrier import ship_due
from shipments.envelope import rfc3339
from shipments.inbox import apply_envelope
from shipments.models import InboxMessage, Shipment
from shipments.signing import signed_headers
from tests import envelopes

pytestmark = pytest.mark.django_db

PROBLEMS = "https://emporium.example/problems/"


def _path(order_id: object) -> str:
    return f"/api/v1/shipments/{order_id}/"


def _problem(response, status: int, slug: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail"}
    assert body["type"] == PROBLEMS + slug
    assert body["status"] == status
    return body


def test_healthz(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_a_pending_shipment_reads_with_nulls_until_shipped(signed):
    request = envelopes.fulfilment_requested(tenant="acme")
    apply_envelope(request)
    shipment = Shipment.objects.get()

    response = signed.get(_path(request.aggregate_id), tenant="acme")

    assert response.status_code == 200
    assert response.json() == {
        "order_id": request.aggregate_id,
        "status": "pending",
        "carrier": None,
        "tracking_number": None,
        "shipped_at": None,
        "events": [
            {
                "status": "pending",
                "occurred_at": rfc3339(shipment.created_at),
                "description": "Fulfilment requested; awaiting picking",
            }
        ],
    }


def test_a_shipped_shipment_shows_carrier_tracking_and_history(signed):
    request = envelopes.fulfilment_requested(tenant="acme")
    apply_envelope(request)
    now = timezone.now()
    ship_due(now)
    shipment = Shipment.objects.get()

    body = signed.get(_path(request.aggregate_id), tenant="acme").json()

    assert body["status"] == "shipped"
    assert body["carrier"] == "Parcelforce Sim"
    assert body["tracking_number"] == shipment.tracking_number
    assert body["shipped_at"] == rfc3339(now)
    assert [event["status"] for event in body["events"]] == ["pending", "shipped"]
    assert body["events"][1] == {
        "status": "shipped",
        "occurred_at": rfc3339(now),
        "description": f"Handed to Parcelforce Sim, tracking number {shipment.tracking_number}",
    }


def test_another_tenants_order_is_not_found(signed):
    request = envelopes.fulfilment_requested(tenant="acme")
    apply_envelope(request)

    response = signed.get(_path(request.aggregate_id), tenant="globex")

    body = _problem(response, 404, "shipment-not-found")
    assert body["title"] == "Shipment not found"


def test_an_unknown_order_is_not_found(signed):
    _problem(signed.get(_path(uuid.uuid4())), 404, "shipment-not-found")


def test_a_malformed_order_id_is_400(signed):
    _problem(signed.get(_path("not-a-uuid")), 400, "invalid-order-id")


def test_a_missing_tenant_is_400(signed):
    _problem(signed.get(_path(uuid.uuid4()), tenant=None), 400, "tenant-required")


def test_a_missing_signature_is_401(client):
    response = client.get(_path(uuid.uuid4()), headers={"X-Tenant": "acme"})

    _problem(response, 401, "invalid-signature")


def test_a_wrong_signature_is_401(client):
    path = _path(uuid.uuid4())
    headers = signed_headers("not the key", "GET", path, "acme")

    _problem(client.get(path, headers=headers), 401, "invalid-signature")


def test_a_signature_for_another_tenant_is_401(client, settings):
    path = _path(uuid.uuid4())
    headers = signed_headers(settings.FULFILMENT_SERVICE_KEY, "GET", path, "acme")
    headers["X-Tenant"] = "globex"

    _problem(client.get(path, headers=headers), 401, "invalid-signature")


def test_a_stale_timestamp_is_401(signed):
    _problem(signed.get(_path(uuid.uuid4()), now=time.time() - 301), 401, "invalid-signature")


@pytest.mark.parametrize("stamp", ["1" + "0" * 400, "9" * 5000])
def test_a_hostile_timestamp_header_is_401_not_500(stamp):
    client = Client(raise_request_exception=False)
    headers = {"X-Service-Timestamp": stamp, "X-Service-Signature": "v1=00", "X-Tenant": "acme"}

    _problem(client.get(_path(uuid.uuid4()), headers=headers), 401, "invalid-signature")
    body = envelopes.fulfilment_requested().to_json()
    response = client.generic(
        "POST", "/internal/events/", body, "application/json", headers=headers
    )
    _problem(response, 401, "invalid-signature")


def test_the_signature_is_checked_before_anything_else(client):
    _problem(client.get(_path("not-a-uuid")), 401, "invalid-signature")


def test_an_unknown_path_is_problem_json(client):
    _problem(client.get("/nowhere/"), 404, "not-found")


def test_push_applies_an_envelope_once(signed):
    request = envelopes.fulfilment_requested(tenant="acme")
    body = request.to_json()

    first = signed.post_json("/internal/events/", body, tenant="acme")
    again = signed.post_json("/internal/events/", body, tenant="acme")

    assert (first.status_code, again.status_code) == (204, 204)
    assert first.content == b""
    assert Shipment.objects.count() == 1
    assert InboxMessage.objects.get().consumer == "fulfilment"


def test_push_of_a_platform_event_without_a_tenant_header_is_signed_with_an_empty_tenant(signed):
    apply_envelope(envelopes.fulfilment_requested(tenant="acme"))
    body = envelopes.tenant_deleted("acme").to_json()

    response = signed.post_json("/internal/events/", body)

    assert response.status_code == 204
    assert Shipment.objects.count() == 0


def test_push_of_a_tenants_envelope_without_a_tenant_header_is_400(signed):
    body = envelopes.fulfilment_requested(tenant="acme").to_json()

    _problem(signed.post_json("/internal/events/", body), 400, "tenant-mismatch")
    assert Shipment.objects.count() == 0
    assert InboxMessage.objects.count() == 0


def test_push_of_a_platform_event_with_a_tenant_header_is_400(signed):
    body = envelopes.tenant_deleted("acme").to_json()

    _problem(signed.post_json("/internal/events/", body, tenant="acme"), 400, "tenant-mismatch")
    assert InboxMessage.objects.count() == 0


def test_push_of_an_unreadable_envelope_is_400(signed):
    _problem(signed.post_json("/internal/events/", b"{not json"), 400, "invalid-envelope")
    missing = json.loads(envelopes.fulfilment_requested().to_json())
    del missing["aggregate_version"]
    _problem(
        signed.post_json("/internal/events/", json.dumps(missing).encode(), tenant="acme"),
        400,
        "invalid-envelope",
    )
    assert InboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("shipping_address", None), ("country", "GBR"), ("name", "n" * 201), ("city", "")],
)
def test_push_of_a_payload_the_service_cannot_apply_is_422(signed, field, value):
    bad = json.loads(envelopes.fulfilment_requested().to_json())
    if field == "shipping_address":
        bad["payload"][field] = value
    else:
        bad["payload"]["shipping_address"][field] = value

    response = signed.post_json("/internal/events/", json.dumps(bad).encode(), tenant="acme")

    _problem(response, 422, "invalid-payload")
    assert InboxMessage.objects.count() == 0
    assert Shipment.objects.count() == 0


def test_push_of_an_unknown_type_is_422(signed):
    body = envelopes.envelope("ordering.order_placed", {}).to_json()

    _problem(signed.post_json("/internal/events/", body, tenant="acme"), 422, "unknown-event-type")


def test_push_with_a_tenant_header_naming_another_tenant_is_400(signed):
    body = envelopes.fulfilment_requested(tenant="acme").to_json()

    _problem(signed.post_json("/internal/events/", body, tenant="globex"), 400, "tenant-mismatch")
    assert Shipment.objects.count() == 0


def test_unsigned_push_is_401_and_changes_nothing(client):
    body = envelopes.fulfilment_requested().to_json()

    response = client.generic("POST", "/internal/events/", body, "application/json")

    _problem(response, 401, "invalid-signature")
    assert Shipment.objects.count() == 0
