"""Health checks: ``GET <instance>/healthz``; an instance that fails leaves the rotation."""

from __future__ import annotations

import logging

import httpx

from emporium.fulfilment.application.ports import ServiceInstance
from emporium.fulfilment.application.rotation import Rotation

logger = logging.getLogger(__name__)


class HealthChecker:
    """Ask each instance of a rotation whether it is healthy, and mark it accordingly."""

    def __init__(
        self,
        rotation: Rotation,
        *,
        timeout: float = 1.0,
        out_of_rotation_seconds: float = 10.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.rotation = rotation
        self._out_seconds = out_of_rotation_seconds
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)

    def healthy(self, instance: ServiceInstance) -> bool:
        """Return whether ``instance`` answers ``/healthz`` with 200 within the timeout."""
        try:
            response = self._http.get(instance.url + "/healthz")
        except httpx.HTTPError as exc:
            logger.warning("health check of %s failed: %s", instance.url, type(exc).__name__)
            return False
        if response.status_code != 200:
            logger.warning("health check of %s: %s", instance.url, response.status_code)
            return False
        return True

    def check(self) -> dict[str, bool]:
        """Check every instance, put the healthy back and take the others out; return them."""
        results: dict[str, bool] = {}
        for instance in self.rotation.instances():
            results[instance.id] = ok = self.healthy(instance)
            if ok:
                self.rotation.put_back(instance)
            else:
                self.rotation.take_out(instance, self._out_seconds)
        return results

    def close(self) -> None:
        """Close the pooled connections."""
        self._http.close()
