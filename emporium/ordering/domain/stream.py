"""An order's stored events read back: upcast to the current shape, then decoded to events."""

from __future__ import annotations

import dataclasses
import typing
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.domain.events import (
    FulfilmentRequested,
    LineSnapshot,
    OrderCancelled,
    OrderFulfilled,
    OrderPaid,
    OrderPlaced,
    OrderRefunded,
)
from emporium.ordering.domain.order import CorruptStream
from emporium.shared_kernel.events import DomainEvent
from emporium.shared_kernel.money import Money
from emporium.shared_kernel.upcasting import Payload, UpcasterChain

#: Every event an order's stream may hold, by wire name.
EVENT_CLASSES: dict[str, type[DomainEvent]] = {
    cls.type: cls
    for cls in (
        OrderPlaced,
        OrderCancelled,
        OrderPaid,
        FulfilmentRequested,
        OrderFulfilled,
        OrderRefunded,
    )
}

UPCASTERS = UpcasterChain({name: cls.schema_version for name, cls in EVENT_CLASSES.items()})


@UPCASTERS.register(OrderPlaced.type, from_version=1)
def _placed_v1_to_v2(payload: Payload) -> Payload:
    # v1 had no currency of its own: every amount of an order is in the order's currency.
    payload["currency"] = payload["total"]["currency"]
    return payload


@UPCASTERS.register(OrderPlaced.type, from_version=2)
def _placed_v2_to_v3(payload: Payload) -> Payload:
    # Orders had no address before v3.
    payload["shipping_address"] = None
    return payload


@UPCASTERS.register(FulfilmentRequested.type, from_version=1)
def _fulfilment_requested_v1_to_v2(payload: Payload) -> Payload:
    # v1 went out for every paid order, none of which had an address.
    payload["shipping_address"] = None
    return payload


@UPCASTERS.register(OrderFulfilled.type, from_version=1)
def _fulfilled_v1_to_v2(payload: Payload) -> Payload:
    # Before the fulfilment service every order was fulfilled by staff, with no parcel to track.
    payload.update(carrier=None, tracking_number=None, shipped_at=None)
    return payload


def _line(data: dict[str, Any]) -> LineSnapshot:
    return LineSnapshot(
        product_id=data["product_id"],
        name=data["name"],
        quantity=int(data["quantity"]),
        unit_price=Money.from_dict(data["unit_price"]),
        line_total=Money.from_dict(data["line_total"]),
    )


def _value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    if type(None) in typing.get_args(hint):  # X | None: decode as X
        (hint,) = (arg for arg in typing.get_args(hint) if arg is not type(None))
    if hint is ShippingAddress:
        return ShippingAddress.from_dict(value)
    if hint is Money:
        return Money.from_dict(value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is Decimal:
        return Decimal(value)
    if typing.get_origin(hint) is tuple:
        return tuple(_line(item) for item in value)
    return value


def decode(
    event_type: str,
    schema_version: int,
    payload: Payload,
    *,
    aggregate_id: str,
    aggregate_version: int,
    event_id: UUID,
    occurred_at: datetime,
) -> DomainEvent:
    """Return the event a stored row holds, upcast to its current schema version."""
    cls = EVENT_CLASSES.get(event_type)
    if cls is None:
        raise CorruptStream(f"{event_type!r} is not an order event")
    current = UPCASTERS.upcast(event_type, schema_version, payload)
    hints = typing.get_type_hints(cls)
    envelope = {"aggregate_id", "aggregate_version", "event_id", "occurred_at"}
    fields = {
        f.name: _value(hints[f.name], current[f.name])
        for f in dataclasses.fields(cls)
        if f.name not in envelope
    }
    return cls(
        aggregate_id=aggregate_id,
        aggregate_version=aggregate_version,
        event_id=event_id,
        occurred_at=occurred_at,
        **fields,
    )
