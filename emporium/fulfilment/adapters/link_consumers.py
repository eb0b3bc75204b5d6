"""Consumers of the link: the service's dispatches in, and (without a broker) envelopes out."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from emporium.fulfilment.adapters.http_client import CallFailed, ServiceClient
from emporium.fulfilment.application.breaker import BreakerOpen
from emporium.infrastructure.messaging.retries import PartnerUnavailable
from emporium.ordering.public import record_shipment
from emporium.shared_kernel.errors import BusinessRuleViolation, NotFound
from emporium.shared_kernel.events import EventEnvelope

logger = logging.getLogger(__name__)

#: Emporium's consumer of the service's events (its queue is ``emporium.fulfilment``).
CONSUMER = "fulfilment"
SHIPMENT_DISPATCHED = "fulfilment.shipment_dispatched"
#: Without a broker, the consumer that carries the service's events to it over HTTP.
LINK_CONSUMER = "fulfilment-link"
#: What the service consumes (ADR 0018): every event its queue is bound to.
FORWARDED = (
    "ordering.fulfilment_requested",
    "ordering.order_refunded",
    "identity.customer_erased",
    "tenancy.tenant_deleted",
)
#: Where the service takes an envelope pushed to it.
PUSH_PATH = "/internal/events/"


class PushRefused(RuntimeError):
    """The service answered a pushed envelope with something other than 204."""


def record_dispatch(envelope: EventEnvelope) -> None:
    """Mark the dispatched order fulfilled with its carrier and tracking number (once)."""
    payload = envelope.payload
    order_id = UUID(payload["order_id"])
    try:
        changed = record_shipment(
            order_id,
            payload["carrier"],
            payload["tracking_number"],
            datetime.fromisoformat(payload["shipped_at"]),
        )
    except (NotFound, BusinessRuleViolation) as refused:
        # Retrying cannot change the answer: the report is kept in the log for the shop.
        logger.error(
            "Shipment of order %s not recorded: %s",
            order_id,
            refused,
            extra={"event_id": str(envelope.id), "order_id": str(order_id)},
        )
        return
    if not changed:
        logger.info("Shipment of order %s changed nothing (refunded or already recorded)", order_id)


def concerns_service(envelope: EventEnvelope, sent: Callable[[UUID], bool]) -> bool:
    """Return whether the service needs ``envelope``: a full refund only of an order it has."""
    if envelope.type != "ordering.order_refunded":
        return True
    return bool(envelope.payload.get("fully")) and sent(UUID(envelope.aggregate_id))


def forward_to_service(client: ServiceClient, envelope: EventEnvelope) -> None:
    """POST the envelope to the service, signed; raise so that the failure is retried."""
    try:
        response = client.request(
            "POST", PUSH_PATH, tenant=envelope.tenant or "", body=envelope.to_json()
        )
    except (CallFailed, BreakerOpen) as away:
        # Down for minutes or hours, the service still gets it when it is back.
        raise PartnerUnavailable(f"the fulfilment service is away: {away}") from away
    if response.status_code != 204:
        raise PushRefused(
            f"the fulfilment service answered {response.status_code} to {envelope.type} "
            f"{envelope.id}: {response.text[:200]}"
        )
