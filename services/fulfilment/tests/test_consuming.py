"""Consumed events: each applied once, in one transaction with its inbox row."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from shipments.carrier import ship_due
from shipments.commands import InvalidPayload, UnknownEventType
from shipments.handlers import handle
from shipments.inbox import CONSUMER, apply_envelope
from shipments.models import ErasedCustomer, InboxMessage, OutboxMessage, Shipment, ShipmentEvent
from tests import envelopes
from tests.envelopes import ADDRESS, CUSTOMER, LINES, OTHER_CUSTOMER

pytestmark = pytest.mark.django_db


def test_fulfilment_requested_creates_one_pending_shipment(settings):
    settings.FULFILMENT_SHIP_AFTER_SECONDS = 5
    request = envelopes.fulfilment_requested(tenant="acme", customer_id=CUSTOMER)
    before = timezone.now()

    assert apply_envelope(request) is True

    shipment = Shipment.objects.get()
    assert (shipment.tenant, str(shipment.order_id)) == ("acme", request.aggregate_id)
    assert shipment.customer_id == CUSTOMER
    assert shipment.address == ADDRESS
    assert shipment.lines == LINES
    assert shipment.status == "pending"
    assert (shipment.carrier, shipment.tracking_number, shipment.shipped_at) == ("", None, None)
    assert before + timedelta(seconds=5) <= shipment.ship_after
    assert shipment.ship_after <= timezone.now() + timedelta(seconds=5)
    assert list(shipment.events.values_list("status", "description")) == [
        ("pending", "Fulfilment requested; awaiting picking")
    ]
    inbox = InboxMessage.objects.get()
    assert (inbox.consumer, inbox.event_id, inbox.event_type, inbox.tenant) == (
        CONSUMER,
        request.id,
        "ordering.fulfilment_requested",
        "acme",
    )


def test_a_duplicate_delivery_makes_one_shipment():
    request = envelopes.fulfilment_requested()

    assert apply_envelope(request) is True
    assert apply_envelope(request) is False

    assert Shipment.objects.count() == 1
    assert ShipmentEvent.objects.count() == 1
    assert InboxMessage.objects.count() == 1


def test_a_second_request_for_the_same_order_keeps_the_one_shipment():
    order_id = uuid.uuid4()

    apply_envelope(envelopes.fulfilment_requested(order_id))
    apply_envelope(envelopes.fulfilment_requested(order_id))

    assert Shipment.objects.count() == 1
    assert InboxMessage.objects.count() == 2


def test_the_same_order_id_in_two_tenants_is_two_shipments():
    order_id = uuid.uuid4()

    apply_envelope(envelopes.fulfilment_requested(order_id, tenant="acme"))
    apply_envelope(envelopes.fulfilment_requested(order_id, tenant="globex"))

    assert sorted(Shipment.objects.values_list("tenant", flat=True)) == ["acme", "globex"]


def test_a_failing_handler_rolls_back_its_inbox_row_and_its_writes():
    request = envelopes.fulfilment_requested()

    def handle_then_fail(command):
        handle(command)
        raise RuntimeError("the disk is full")

    with pytest.raises(RuntimeError, match="the disk is full"):
        apply_envelope(request, handler=handle_then_fail)

    assert InboxMessage.objects.count() == 0
    assert Shipment.objects.count() == 0
    # The redelivery then goes through.
    assert apply_envelope(request) is True
    assert Shipment.objects.count() == 1


def test_an_unknown_type_or_a_bad_payload_is_refused_before_any_write():
    with pytest.raises(UnknownEventType):
        apply_envelope(envelopes.envelope("ordering.order_placed", {}))
    bad = envelopes.fulfilment_requested()
    del bad.payload["shipping_address"]["city"]
    with pytest.raises(InvalidPayload):
        apply_envelope(bad)
    with pytest.raises(InvalidPayload):
        apply_envelope(envelopes.envelope("ordering.fulfilment_requested", {}, aggregate_id="x"))

    assert InboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country", "GBR"),
        ("country", "gb"),
        ("country", "G"),
        ("country", ""),
        ("country", "ÄB"),
        ("name", "n" * 201),
        ("name", ""),
        ("line1", "l" * 201),
        ("line1", ""),
        ("line2", "l" * 201),
        ("city", "c" * 201),
        ("city", ""),
        ("postal_code", "p" * 201),
        ("postal_code", ""),
    ],
)
def test_an_address_field_out_of_bounds_is_an_invalid_payload(field, value):
    bad = envelopes.fulfilment_requested()
    bad.payload["shipping_address"][field] = value

    with pytest.raises(InvalidPayload, match=f"shipping_address.{field} "):
        apply_envelope(bad)

    assert InboxMessage.objects.count() == 0
    assert Shipment.objects.count() == 0


def test_a_customer_id_longer_than_its_column_is_an_invalid_payload():
    bad = envelopes.fulfilment_requested(customer_id="c" * 65)

    with pytest.raises(InvalidPayload, match="customer_id"):
        apply_envelope(bad)

    assert Shipment.objects.count() == 0


def test_an_address_at_the_bounds_is_kept_whole():
    request = envelopes.fulfilment_requested()
    longest = {name: name[0] * 200 for name in ("name", "line1", "line2", "city", "postal_code")}
    request.payload["shipping_address"].update(longest, country="NZ")

    assert apply_envelope(request) is True

    assert Shipment.objects.get().address == {**longest, "country": "NZ"}
    other = envelopes.fulfilment_requested()
    other.payload["shipping_address"]["line2"] = ""
    assert apply_envelope(other) is True


def test_a_full_refund_cancels_a_pending_shipment():
    request = envelopes.fulfilment_requested()
    apply_envelope(request)

    apply_envelope(envelopes.order_refunded(request.aggregate_id, fully=True))

    shipment = Shipment.objects.get()
    assert shipment.status == "cancelled"
    assert list(shipment.events.values_list("status", flat=True)) == ["pending", "cancelled"]
    # A cancelled shipment never ships.
    assert ship_due(timezone.now() + timedelta(hours=1)) == 0


def test_a_partial_refund_leaves_the_shipment():
    request = envelopes.fulfilment_requested()
    apply_envelope(request)

    apply_envelope(envelopes.order_refunded(request.aggregate_id, fully=False))

    assert Shipment.objects.get().status == "pending"


def test_a_full_refund_leaves_a_shipped_shipment():
    request = envelopes.fulfilment_requested()
    apply_envelope(request)
    ship_due()

    apply_envelope(envelopes.order_refunded(request.aggregate_id, fully=True))

    shipment = Shipment.objects.get()
    assert shipment.status == "shipped"
    assert list(shipment.events.values_list("status", flat=True)) == ["pending", "shipped"]


def test_a_refund_that_overtakes_the_request_stops_the_late_request():
    order_id = uuid.uuid4()

    apply_envelope(envelopes.order_refunded(order_id, fully=True))
    apply_envelope(envelopes.fulfilment_requested(order_id))

    shipment = Shipment.objects.get()
    assert shipment.status == "cancelled"
    assert ship_due(timezone.now() + timedelta(hours=1)) == 0
    assert OutboxMessage.objects.count() == 0


def test_erasure_scrubs_that_customers_addresses_in_that_tenant_only():
    mine = envelopes.fulfilment_requested(customer_id=CUSTOMER, tenant="acme")
    other_customer = envelopes.fulfilment_requested(customer_id=OTHER_CUSTOMER, tenant="acme")
    other_tenant = envelopes.fulfilment_requested(customer_id=CUSTOMER, tenant="globex")
    for request in (mine, other_customer, other_tenant):
        apply_envelope(request)
    ship_due()

    apply_envelope(envelopes.customer_erased(CUSTOMER, tenant="acme"))

    erased = Shipment.objects.get(order_id=mine.aggregate_id)
    assert erased.address == {
        "name": "",
        "line1": "",
        "line2": "",
        "city": "",
        "postal_code": "",
        "country": "GB",
    }
    # Accounting and tracking stay.
    assert erased.customer_id == CUSTOMER
    assert erased.lines == LINES
    assert erased.status == "shipped"
    assert erased.tracking_number
    assert erased.events.count() == 2
    assert Shipment.objects.get(order_id=other_customer.aggregate_id).address == ADDRESS
    assert Shipment.objects.get(order_id=other_tenant.aggregate_id).address == ADDRESS


def test_a_request_arriving_after_the_erasure_is_shipped_without_the_address():
    # Events of one customer may arrive out of order: the erasure overtakes a late request.
    apply_envelope(envelopes.customer_erased(CUSTOMER, tenant="acme"))
    late = envelopes.fulfilment_requested(customer_id=CUSTOMER, tenant="acme")
    other_customer = envelopes.fulfilment_requested(customer_id=OTHER_CUSTOMER, tenant="acme")
    other_tenant = envelopes.fulfilment_requested(customer_id=CUSTOMER, tenant="globex")

    for request in (late, other_customer, other_tenant):
        apply_envelope(request)

    shipment = Shipment.objects.get(order_id=late.aggregate_id)
    assert shipment.address == {
        "name": "",
        "line1": "",
        "line2": "",
        "city": "",
        "postal_code": "",
        "country": "GB",
    }
    assert (shipment.customer_id, shipment.lines, shipment.status) == (CUSTOMER, LINES, "pending")
    assert Shipment.objects.get(order_id=other_customer.aggregate_id).address == ADDRESS
    assert Shipment.objects.get(order_id=other_tenant.aggregate_id).address == ADDRESS
    assert list(ErasedCustomer.objects.values_list("tenant", "customer_id")) == [("acme", CUSTOMER)]


def test_tenant_deletion_removes_the_tenants_shipments_history_and_inbox():
    for tenant in ("acme", "acme", "globex"):
        apply_envelope(envelopes.fulfilment_requested(tenant=tenant))
    for tenant in ("acme", "globex"):
        apply_envelope(envelopes.customer_erased(OTHER_CUSTOMER, tenant=tenant))
    ship_due()
    OutboxMessage.objects.update(published_at=timezone.now())
    deletion = envelopes.tenant_deleted("acme")

    assert apply_envelope(deletion) is True

    assert list(Shipment.objects.values_list("tenant", flat=True)) == ["globex"]
    assert ShipmentEvent.objects.filter(shipment__tenant="acme").count() == 0
    assert ShipmentEvent.objects.count() == 2
    assert list(OutboxMessage.objects.values_list("tenant", flat=True)) == ["globex"]
    # The deletion's own row (a platform event's) stays, so its redelivery is still a duplicate.
    assert InboxMessage.objects.filter(tenant="acme").count() == 0
    assert list(InboxMessage.objects.filter(event_id=deletion.id).values_list("tenant")) == [
        (None,)
    ]
    assert InboxMessage.objects.filter(tenant="globex").count() == 2
    # The shop's erased customers go too; another shop's stay.
    assert list(ErasedCustomer.objects.values_list("tenant", flat=True)) == ["globex"]
    assert apply_envelope(deletion) is False


def test_tenant_deletion_removes_the_tenants_unsent_and_given_up_outbox_rows_too():
    for tenant in ("acme", "acme", "acme", "globex"):
        apply_envelope(envelopes.fulfilment_requested(tenant=tenant))
    ship_due()
    now = timezone.now()
    acme_sent, acme_given_up, acme_unsent = OutboxMessage.objects.filter(tenant="acme")
    OutboxMessage.objects.filter(id=acme_sent.id).update(published_at=now)
    OutboxMessage.objects.filter(id=acme_given_up.id).update(failed_at=now, last_error="410")
    globex_unsent = OutboxMessage.objects.get(tenant="globex")

    assert apply_envelope(envelopes.tenant_deleted("acme")) is True

    assert not OutboxMessage.objects.filter(tenant="acme").exists()
    assert acme_unsent.id not in OutboxMessage.objects.values_list("id", flat=True)
    assert list(OutboxMessage.objects.values_list("id", "published_at", "failed_at")) == [
        (globex_unsent.id, None, None)
    ]


def test_a_tenant_deletion_may_carry_the_slug_in_the_envelope_too():
    apply_envelope(envelopes.fulfilment_requested(tenant="acme"))

    deletion = envelopes.tenant_deleted("acme", tenant="acme")

    apply_envelope(deletion)

    assert Shipment.objects.count() == 0
    assert list(InboxMessage.objects.values_list("event_id", flat=True)) == [deletion.id]
    assert apply_envelope(deletion) is False


def test_a_tenant_deletion_naming_two_shops_is_refused():
    apply_envelope(envelopes.fulfilment_requested(tenant="acme"))

    with pytest.raises(InvalidPayload):
        apply_envelope(envelopes.tenant_deleted("acme", tenant="globex"))

    assert Shipment.objects.count() == 1
