"""A separate process that tries to buy one unit, again and again (the oversell test).

Usage: python -m tests.integration.ordering.buyer TENANT_ID SLUG CUSTOMER_ID PRODUCT_ID ATTEMPTS
START_AT (a UNIX time to wait for, so every process starts together). Prints ``ok conflict``.
"""

from __future__ import annotations

import os
import sys
import time
import uuid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from emporium.multitenancy.context import TenantRef, tenant_context  # noqa: E402
from emporium.ordering import bootstrap  # noqa: E402
from emporium.ordering.application.use_cases import PlaceOrder  # noqa: E402
from emporium.shared_kernel.errors import Conflict  # noqa: E402


def main() -> None:
    tenant_id, slug, customer, product, attempts, start_at = sys.argv[1:7]
    tenant = TenantRef(uuid.UUID(tenant_id), slug)
    time.sleep(max(0.0, float(start_at) - time.time()))
    ok = conflict = 0
    with tenant_context(tenant):
        for _ in range(int(attempts)):
            try:
                bootstrap.place_order(PlaceOrder(uuid.UUID(customer), [(uuid.UUID(product), 1)]))
                ok += 1
            except Conflict:
                conflict += 1
    print(ok, conflict)


if __name__ == "__main__":
    main()
