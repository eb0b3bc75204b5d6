"""An order folded from its stream: what it accepts, what it refuses, and v1 events read back."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.domain.events import OrderPaid
from emporium.ordering.domain.order import Order, OrderStatus
from emporium.ordering.domain.stream import CorruptStream, decode
from emporium.shared_kernel.events import DomainEvent
from emporium.shared_kernel.money import Money
from emporium.shared_kernel.upcasting import UnknownSchemaVersion

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
CUSTOMER = uuid.UUID("00000000-0000-0000-0000-00000000c001")
MUG = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
PAYMENT = uuid.UUID("00000000-0000-0000-0000-0000000000f1")
EVENT = uuid.UUID("00000000-0000-0000-0000-0000000000e1")
ADDRESS = ShippingAddress("Ann Lee", "1 Quay St", "", "Bristol", "BS1 4DJ", "GB")


def life(currency: str = "EUR") -> tuple[Order, list[DomainEvent]]:
    """Return an order placed, paid and fulfilled, and the events it recorded."""
    order = Order(
        customer_id=CUSTOMER, currency=currency, tax_rate=Decimal("20.00"), created_at=NOW
    )
    order.add_line(MUG, "Mug", Money.of("9.50", currency), 2)
    order.confirm(NOW + timedelta(minutes=15))
    order.mark_paid(PAYMENT, NOW + timedelta(minutes=5))
    order.fulfil()
    return order, order.pull_events()


def test_the_events_fold_to_the_order_that_recorded_them() -> None:
    order, events = life()

    folded = Order.from_events(events)

    assert folded.state() == order.state()
    assert (folded.status, folded.version, folded.events) == (OrderStatus.FULFILLED, 3, [])


def shipped_life() -> tuple[Order, list[DomainEvent]]:
    """Return an order with an address, placed, paid and shipped by the service, and its events."""
    order = Order(
        customer_id=CUSTOMER,
        currency="EUR",
        tax_rate=Decimal("20.00"),
        created_at=NOW,
        shipping_address=ADDRESS,
    )
    order.add_line(MUG, "Mug", Money.of("9.50", "EUR"), 2)
    order.confirm(NOW + timedelta(minutes=15))
    order.mark_paid(PAYMENT, NOW + timedelta(minutes=5))
    order.record_shipment("Parcelforce Sim", "PF123", NOW + timedelta(hours=1))
    return order, order.pull_events()


def test_a_shipped_life_folds_with_its_address_and_tracking_number() -> None:
    order, events = shipped_life()

    folded = Order.from_events([decode_as(event) for event in events])

    assert folded.state() == order.state()
    assert (folded.shipping_address, folded.tracking_number, folded.version) == (
        ADDRESS,
        "PF123",
        4,
    )


def test_events_of_older_shapes_read_back_with_nothing_to_ship_or_track() -> None:
    _, (placed, paid, fulfilled) = life()
    envelope = {"aggregate_id": placed.aggregate_id, "occurred_at": NOW}
    v2_placed = {k: v for k, v in placed.payload().items() if k != "shipping_address"}
    v1_fulfilled = {"customer_id": str(CUSTOMER)}
    v1_requested = {"customer_id": str(CUSTOMER), "lines": placed.payload()["lines"]}

    read_placed = decode(placed.type, 2, v2_placed, aggregate_version=1, event_id=EVENT, **envelope)  # type: ignore[arg-type]
    read_requested = decode(
        "ordering.fulfilment_requested",
        1,
        v1_requested,
        aggregate_version=3,
        event_id=uuid.uuid4(),
        **envelope,  # type: ignore[arg-type]
    )
    read_fulfilled = decode(
        fulfilled.type, 1, v1_fulfilled, aggregate_version=4, event_id=uuid.uuid4(), **envelope
    )  # type: ignore[arg-type]

    assert read_placed.shipping_address is None  # type: ignore[attr-defined]
    assert read_requested.shipping_address is None  # type: ignore[attr-defined]
    assert (read_fulfilled.carrier, read_fulfilled.tracking_number) == (None, None)  # type: ignore[attr-defined]
    # A v1 request (every paid order had one) sends nothing and leaves no fulfilment.
    folded = Order.from_events([read_placed, paid, read_requested, read_fulfilled])
    assert (folded.status, folded.fulfilment_status, folded.version) == (
        OrderStatus.FULFILLED,
        None,
        4,
    )


@pytest.mark.parametrize(
    ("stream", "refusal"),
    [
        ("empty", "starts with ordering.order_placed at version 1"),
        ("from the second", "starts with ordering.order_placed at version 1"),
        ("placed at version 2", "starts with ordering.order_placed at version 1"),
        ("a gap", "version 3 follows 1 in the stream"),
        ("a repeat", "version 1 follows 1 in the stream"),
        ("another order's", "belongs to another order"),
    ],
)
def test_a_stream_that_is_no_life_of_one_order_is_refused(stream: str, refusal: str) -> None:
    _, events = life()
    placed = events[0]
    _, (other_placed, other_paid, *_) = life()
    streams: dict[str, list[DomainEvent]] = {
        "empty": [],
        "from the second": events[1:],
        "placed at version 2": [decode_as(placed, aggregate_version=2)],
        "a gap": [placed, *events[2:]],
        "a repeat": [placed, placed],
        "another order's": [placed, other_paid],
    }
    assert other_placed.aggregate_id != placed.aggregate_id

    with pytest.raises(CorruptStream, match=refusal):
        Order.from_events(streams[stream])


def decode_as(event: DomainEvent, **envelope: object) -> DomainEvent:
    """Return ``event`` read back from storage with some of its envelope changed."""
    fields: dict[str, object] = {
        "aggregate_id": event.aggregate_id,
        "aggregate_version": event.aggregate_version,
        "event_id": event.event_id,
        "occurred_at": event.occurred_at,
        **envelope,
    }
    return decode(event.type, event.schema_version, event.payload(), **fields)  # type: ignore[arg-type]


def test_a_v1_order_placed_reads_back_with_its_totals_currency() -> None:
    order, events = life(currency="EUR")
    placed = events[0]
    v1 = {name: value for name, value in placed.payload().items() if name != "currency"}

    read = decode(
        placed.type,
        1,
        v1,
        aggregate_id=placed.aggregate_id,
        aggregate_version=1,
        event_id=placed.event_id,
        occurred_at=placed.occurred_at,
    )

    assert read == placed
    assert "currency" not in v1  # the stored payload stays as it was
    assert Order.from_events([read, *events[1:]]).state() == order.state()


def test_events_of_an_unknown_type_or_a_newer_schema_are_refused() -> None:
    _, (placed, *_) = life()
    envelope = {
        "aggregate_id": placed.aggregate_id,
        "aggregate_version": 1,
        "event_id": EVENT,
        "occurred_at": NOW,
    }

    with pytest.raises(
        CorruptStream, match=re.escape("'ordering.order_lost' is not an order event")
    ):
        decode("ordering.order_lost", 1, {}, **envelope)  # type: ignore[arg-type]
    with pytest.raises(
        UnknownSchemaVersion, match=re.escape("ordering.order_placed v4 is newer than v3")
    ):
        decode(placed.type, 4, placed.payload(), **envelope)  # type: ignore[arg-type]
    # Events that never changed shape are at version 1, the current one.
    paid = OrderPaid(
        aggregate_id=placed.aggregate_id,
        aggregate_version=2,
        customer_id=str(CUSTOMER),
        payment_id=str(PAYMENT),
        total=Money.of("22.80", "EUR"),
        paid_at=NOW,
    )
    assert decode_as(paid) == paid
