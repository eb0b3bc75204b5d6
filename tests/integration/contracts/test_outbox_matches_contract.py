"""Real flows write every event Emporium publishes to the outbox, each one as the contract says.

The shop is driven through the HTTP API (and the platform's tenancy use cases); every outbox row
is then read back as the relay publishes it and validated against its message's schema.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.contracts_support import EMPORIUM, contract
from tests.integration.contracts.conftest import ADDRESS, Shop, deliver_from_service, outbox

pytestmark = pytest.mark.django_db


def of_type(envelopes: list[dict[str, Any]], event_type: str) -> list[dict[str, Any]]:
    return [envelope for envelope in envelopes if envelope["type"] == event_type]


def test_every_event_emporium_publishes_reaches_the_outbox_as_the_contract_says(
    shop: Shop,
) -> None:
    shop.register()
    shop.erase()
    shop.catalog()
    shop.orders()
    shipped_order, _ = shop.shipped()
    shop.tenancy()

    envelopes = outbox()
    failures = [error for envelope in envelopes for error in contract().errors(envelope)]
    seen = {envelope["type"] for envelope in envelopes}

    assert failures == []
    published = contract().event_types(publisher=EMPORIUM)
    assert seen == published, (
        f"never published: {sorted(published - seen)}; "
        f"published without a contract: {sorted(seen - contract().event_types())}"
    )
    # Both shapes of order_fulfilled: by hand (no shipment), and from the service's shipment.
    fulfilled = {
        envelope["aggregate_id"]: envelope["payload"]
        for envelope in of_type(envelopes, "ordering.order_fulfilled")
    }
    assert len(fulfilled) == 2
    by_hand = [payload for order, payload in fulfilled.items() if order != shipped_order]
    assert [(p["carrier"], p["tracking_number"], p["shipped_at"]) for p in by_hand] == [
        (None, None, None)
    ]
    assert fulfilled[shipped_order]["carrier"] is not None
    # An order without an address is placed with a null one and requests no shipment.
    placed = {
        envelope["aggregate_id"]: envelope["payload"]
        for envelope in of_type(envelopes, "ordering.order_placed")
    }
    assert [order for order, payload in placed.items() if payload["shipping_address"]] == [
        shipped_order
    ]
    assert [
        envelope["aggregate_id"] for envelope in of_type(envelopes, "ordering.fulfilment_requested")
    ] == [shipped_order]


def test_an_order_with_an_address_goes_to_the_service_and_its_dispatch_fulfils_it(
    shop: Shop,
) -> None:
    shop.product("pan", "45.90", stock=5)

    order_id, dispatched = shop.shipped()
    again = deliver_from_service(dispatched)  # at least once: a redelivery changes nothing

    assert again.status_code == 204, again.content[:500]
    envelopes = [envelope for envelope in outbox() if envelope["aggregate_id"] == order_id]
    for envelope in envelopes:
        contract().check(envelope)
    [placed] = of_type(envelopes, "ordering.order_placed")
    [requested] = of_type(envelopes, "ordering.fulfilment_requested")
    [fulfilled] = of_type(envelopes, "ordering.order_fulfilled")
    assert placed["payload"]["shipping_address"] == ADDRESS
    assert requested["tenant"] == shop.acme.slug
    assert requested["payload"] == {
        "customer_id": placed["payload"]["customer_id"],
        "lines": placed["payload"]["lines"],
        "shipping_address": ADDRESS,
    }
    assert fulfilled["payload"] == {
        "customer_id": placed["payload"]["customer_id"],
        "carrier": dispatched["payload"]["carrier"],
        "tracking_number": dispatched["payload"]["tracking_number"],
        "shipped_at": dispatched["payload"]["shipped_at"],
    }
    # The service's own event stays out of the order's history and out of Emporium's outbox.
    assert of_type(outbox(), "fulfilment.shipment_dispatched") == []
