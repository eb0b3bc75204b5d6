"""Errors of the fulfilment link, each mapped to its problem document by the HTTP layer."""

from __future__ import annotations

from emporium.shared_kernel.errors import DependencyUnavailable, NotFound


class ShipmentNotFound(NotFound):
    """The service holds no shipment for the order (yet): 404 ``shipment-not-found``."""

    code = "shipment-not-found"
    title = "Shipment not found"


class ServiceUnavailable(DependencyUnavailable):
    """The service did not answer, or its breaker is open: 503 with ``Retry-After``."""

    code = "service-unavailable"
    title = "Service unavailable"

    def __init__(self, detail: str = "", *, retry_after: int) -> None:
        super().__init__(
            detail or "The fulfilment service is unavailable; try again later.",
            retry_after=max(1, retry_after),
        )
