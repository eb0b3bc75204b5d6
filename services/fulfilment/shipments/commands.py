"""Consumed envelopes read into commands: the payload checked once, before any transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from shipments.envelope import Envelope, UnreadableEnvelope

ADDRESS_FIELDS = ("name", "line1", "line2", "city", "postal_code", "country")
#: Fewest and most characters of each address field but the country (the columns hold 200).
ADDRESS_LENGTHS = {
    "name": (1, 200),
    "line1": (1, 200),
    "line2": (0, 200),
    "city": (1, 200),
    "postal_code": (1, 200),
}
#: Most characters of a customer id (the column holds 64; Emporium's are UUIDs).
CUSTOMER_ID_LENGTH = 64

FULFILMENT_REQUESTED = "ordering.fulfilment_requested"
ORDER_REFUNDED = "ordering.order_refunded"
CUSTOMER_ERASED = "identity.customer_erased"
TENANT_DELETED = "tenancy.tenant_deleted"
SHIPMENT_DISPATCHED = "fulfilment.shipment_dispatched"
CONSUMED_TYPES = (FULFILMENT_REQUESTED, ORDER_REFUNDED, CUSTOMER_ERASED, TENANT_DELETED)


class InvalidPayload(UnreadableEnvelope):
    """An envelope of a known type whose payload lacks what the service needs."""


class UnknownEventType(LookupError):
    """An envelope of a type the service does not consume."""


@dataclass(frozen=True)
class RequestFulfilment:
    """Pick and ship a paid order to its address."""

    tenant: str
    order_id: UUID
    customer_id: str
    lines: list[Any]
    address: dict[str, str]
    requested_at: datetime


@dataclass(frozen=True)
class CancelRefundedShipment:
    """An order was refunded; a full refund stops a shipment not yet dispatched."""

    tenant: str
    order_id: UUID
    customer_id: str
    fully: bool


@dataclass(frozen=True)
class EraseCustomer:
    """Blank the personal parts of a customer's shipping addresses."""

    tenant: str
    customer_id: str


@dataclass(frozen=True)
class DeleteTenant:
    """Forget everything the service holds of a tenant (but that this event was applied)."""

    tenant: str
    event_id: UUID


Command = RequestFulfilment | CancelRefundedShipment | EraseCustomer | DeleteTenant


def read_command(envelope: Envelope) -> Command:
    """Return the command an envelope asks for; raise UnknownEventType or InvalidPayload."""
    reader = _READERS.get(envelope.type)
    if reader is None:
        raise UnknownEventType(envelope.type)
    return reader(envelope)


def _request_fulfilment(envelope: Envelope) -> RequestFulfilment:
    payload = envelope.payload
    address = payload.get("shipping_address")
    if not isinstance(address, dict):
        raise InvalidPayload("shipping_address is not an object")
    for name in ADDRESS_FIELDS:
        if not isinstance(address.get(name), str):
            raise InvalidPayload(f"shipping_address.{name} is not a string")
    # Checked here, not by the database: a value too long for its column is a DataError on
    # PostgreSQL (a 500, or a message requeued until it dies) but is silently kept by SQLite.
    for name, (fewest, most) in ADDRESS_LENGTHS.items():
        if not fewest <= len(address[name]) <= most:
            raise InvalidPayload(f"shipping_address.{name} is not {fewest} to {most} characters")
    country = address["country"]
    if not (len(country) == 2 and country.isascii() and country.isalpha() and country.isupper()):
        raise InvalidPayload("shipping_address.country is not two uppercase letters (ISO 3166-1)")
    lines = payload.get("lines")
    if not isinstance(lines, list):
        raise InvalidPayload("lines is not a list")
    customer_id = _string(payload, "customer_id")
    if len(customer_id) > CUSTOMER_ID_LENGTH:
        raise InvalidPayload(f"customer_id is longer than {CUSTOMER_ID_LENGTH} characters")
    return RequestFulfilment(
        tenant=_tenant(envelope),
        order_id=_order_id(envelope),
        customer_id=customer_id,
        lines=lines,
        address={name: address[name] for name in ADDRESS_FIELDS},
        requested_at=envelope.occurred_at,
    )


def _cancel_refunded(envelope: Envelope) -> CancelRefundedShipment:
    fully = envelope.payload.get("fully")
    if not isinstance(fully, bool):
        raise InvalidPayload("fully is not a boolean")
    customer_id = envelope.payload.get("customer_id")
    return CancelRefundedShipment(
        tenant=_tenant(envelope),
        order_id=_order_id(envelope),
        customer_id=customer_id if isinstance(customer_id, str) else "",
        fully=fully,
    )


def _erase_customer(envelope: Envelope) -> EraseCustomer:
    return EraseCustomer(
        tenant=_tenant(envelope), customer_id=_string(envelope.payload, "customer_id")
    )


def _delete_tenant(envelope: Envelope) -> DeleteTenant:
    # The contract names the shop in the payload ({"slug"}); the envelope's tenant may be null
    # (a platform event) or the same slug.
    slug = envelope.payload.get("slug", envelope.tenant)
    if not isinstance(slug, str) or not slug:
        raise InvalidPayload("slug is not a non-empty string")
    if envelope.tenant is not None and envelope.tenant != slug:
        raise InvalidPayload(f"the envelope's tenant {envelope.tenant!r} is not slug {slug!r}")
    return DeleteTenant(tenant=slug, event_id=envelope.id)


_READERS = {
    FULFILMENT_REQUESTED: _request_fulfilment,
    ORDER_REFUNDED: _cancel_refunded,
    CUSTOMER_ERASED: _erase_customer,
    TENANT_DELETED: _delete_tenant,
}


def _tenant(envelope: Envelope) -> str:
    if not envelope.tenant:
        raise InvalidPayload(f"{envelope.type} names no tenant")
    return envelope.tenant


def _order_id(envelope: Envelope) -> UUID:
    try:
        return UUID(envelope.aggregate_id)
    except ValueError as error:
        raise InvalidPayload(f"aggregate_id {envelope.aggregate_id!r} is no order id") from error


def _string(payload: dict[str, Any], name: str) -> str:
    value = payload.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidPayload(f"{name} is not a non-empty string")
    return value
