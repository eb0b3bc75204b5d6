"""``ShipmentTracker`` over the service's ``GET /api/v1/shipments/{order_id}/``."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from emporium.fulfilment.adapters.http_client import CallFailed, NotConfigured, ServiceClient
from emporium.fulfilment.application.breaker import BreakerOpen
from emporium.fulfilment.application.errors import ServiceUnavailable
from emporium.fulfilment.domain.tracking import Tracking, TrackingEvent

logger = logging.getLogger(__name__)


class ContractBroken(ValueError):
    """The service answered 200 with a document that is not a shipment."""


class HttpShipmentTracker:
    """Read a shipment from the fulfilment service, scoped by the tenant's slug."""

    def __init__(self, client: ServiceClient) -> None:
        self._client = client

    def shipment(self, tenant: str, order_id: UUID) -> Tracking | None:
        try:
            response = self._client.get(f"/api/v1/shipments/{order_id}/", tenant=tenant)
        except BreakerOpen as exc:
            raise ServiceUnavailable(retry_after=exc.retry_after) from exc
        except CallFailed as exc:
            log = logger.error if isinstance(exc, NotConfigured) else logger.warning
            log("fulfilment service unavailable: %s", exc)
            raise ServiceUnavailable(retry_after=self._client.breaker.retry_after()) from exc
        if response.status_code == 404:
            return None
        try:
            if response.status_code != 200:
                # 401 (a wrong key) or 400: the link is misconfigured, not the service down.
                raise ContractBroken(f"answered {response.status_code}")
            return tracking_of(response.json())
        except ValueError as exc:  # ContractBroken, or a body that is not JSON
            logger.error("fulfilment service broke the contract for %s: %s", order_id, exc)
            raise ServiceUnavailable(retry_after=self._client.breaker.retry_after()) from exc


def tracking_of(document: Any) -> Tracking:
    """Return the shipment of the service's document; raise ``ContractBroken`` if it is none."""
    if not isinstance(document, dict) or not isinstance(document.get("events", []), list):
        raise ContractBroken("a shipment document is an object with a list of events")
    return Tracking(
        status=_text(document, "status"),
        carrier=_optional_text(document, "carrier"),
        tracking_number=_optional_text(document, "tracking_number"),
        shipped_at=_optional_instant(document, "shipped_at"),
        events=tuple(_event(item) for item in document.get("events", [])),
    )


def _event(item: Any) -> TrackingEvent:
    if not isinstance(item, dict):
        raise ContractBroken("an event is an object")
    occurred_at = _optional_instant(item, "occurred_at")
    if occurred_at is None:
        raise ContractBroken("an event needs occurred_at")
    return TrackingEvent(
        status=_text(item, "status"),
        occurred_at=occurred_at,
        description=_optional_text(item, "description") or "",
    )


def _text(document: dict[str, Any], name: str) -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise ContractBroken(f"{name} must be a non-empty string")
    return value


def _optional_text(document: dict[str, Any], name: str) -> str | None:
    value = document.get(name)
    if value is not None and not isinstance(value, str):
        raise ContractBroken(f"{name} must be a string or null")
    return value or None


def _optional_instant(document: dict[str, Any], name: str) -> datetime | None:
    value = document.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ContractBroken(f"{name} must be an RFC 3339 string or null")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise ContractBroken(f"{name} is not an RFC 3339 instant: {value!r}") from exc
    if instant.tzinfo is None:
        raise ContractBroken(f"{name} has no offset: {value!r}")
    return instant.astimezone(UTC)
