"""Another server process of the link: ``python -m tests.integration.fulfilment.other_process``.

It reads a JSON object on stdin (the link's settings and the platform cache's key prefix, so
that it shares the test's keys), asks for one shipment ``calls`` times and prints one JSON
object: the breaker's state before and after, and each call's outcome.
"""

from __future__ import annotations

import json
import sys
import uuid


def main() -> None:
    import django
    from django.conf import settings

    django.setup()
    wanted = json.load(sys.stdin)
    settings.CACHES["platform"]["KEY_PREFIX"] = wanted.pop("platform_prefix")
    for name, value in wanted.pop("settings").items():
        setattr(settings, name, value)

    from emporium.fulfilment import bootstrap
    from emporium.fulfilment.adapters.tracker import HttpShipmentTracker
    from emporium.fulfilment.application.errors import ServiceUnavailable

    before = bootstrap.breaker_status().state.value
    tracker = HttpShipmentTracker(bootstrap.link().client)
    outcomes: list[str | int] = []
    for _ in range(wanted["calls"]):
        try:
            tracker.shipment("acme", uuid.uuid4())
            outcomes.append("answered")
        except ServiceUnavailable as exc:
            outcomes.append(exc.retry_after)
    after = bootstrap.breaker_status().state.value
    print(json.dumps({"before": before, "after": after, "outcomes": outcomes}))


if __name__ == "__main__":
    main()
