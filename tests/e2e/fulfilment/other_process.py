"""A second Emporium process asking for a shipment (``python -m`` this module).

It reads one JSON line on stdin: the test's cache key prefixes (so that it shares, in Redis, the
breaker the test's process opened), the shop's host, a customer's token and an order. It sets
Django up, reads the order once through the test client (connections, URLs, auth: nothing of
that is timed), prints ``{"ready": ...}`` and waits for a line on stdin. Then it times one
``GET /api/v1/orders/{id}/tracking/`` and prints its answer as one JSON line.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    import django
    from django.conf import settings

    django.setup()
    wanted = json.loads(sys.stdin.readline())
    for alias, prefix in wanted["prefixes"].items():
        settings.CACHES[alias]["KEY_PREFIX"] = prefix

    from django.test import Client
    from django.test.utils import setup_test_environment

    from emporium.fulfilment.public import breaker_status

    setup_test_environment()
    client = Client(HTTP_HOST=wanted["host"], HTTP_AUTHORIZATION=f"Bearer {wanted['token']}")
    warm = client.get(f"/api/v1/orders/{wanted['order']}/")
    print(
        json.dumps({"ready": warm.status_code, "breaker": breaker_status().state.value}),
        flush=True,
    )
    sys.stdin.readline()

    started = time.perf_counter()
    response = client.get(f"/api/v1/orders/{wanted['order']}/tracking/")
    seconds = time.perf_counter() - started
    body = response.json()
    print(
        json.dumps(
            {
                "status": response.status_code,
                "type": body.get("type"),
                "retry_after": response.get("Retry-After"),
                "seconds": seconds,
                "breaker": breaker_status().state.value,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main()
