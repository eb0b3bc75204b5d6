"""What other packages may use of fulfilment: the link's health and its breaker's state.

- ``service_health()`` for readiness: whether some instance answers ``/healthz`` (the verdict
  is shared by every process for ``FULFILMENT_HEALTH_CACHE_SECONDS``); a False belongs in
  ``"degraded"``, never in a 503 of ``/readyz``.
- ``breaker_status()`` for metrics and status pages: state, cooldown left and the counts.
- ``check_instances()`` for a periodic task: health-check every instance now.
"""

from emporium.fulfilment.application.breaker import BreakerState, BreakerStatus
from emporium.fulfilment.bootstrap import breaker_status, check_instances, service_health

__all__ = [
    "BreakerState",
    "BreakerStatus",
    "breaker_status",
    "check_instances",
    "service_health",
]
