"""A separate process that appends to one order's stream, round after round (the append race).

``tests/integration/ordering/test_event_store_race.py`` starts two of these with multiprocessing
('spawn'): each sets Django up from the environment it is handed, then in every round reads the
stream's last version, waits at the barrier for the other, and appends the next version.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from typing import Any


def append_rounds(
    env: dict[str, str],
    tenant: tuple[str, str],
    order: dict[str, str],
    rounds: int,
    barrier: Any,
    results: Any,
) -> None:
    """Race the other process for each next version; put (pid, version read, outcome) each round."""
    os.environ.update(env)
    import django

    django.setup()
    # Only now can models be imported.
    from django.db import connections, transaction

    from emporium.multitenancy.context import TenantRef, tenant_context
    from emporium.ordering.adapters.event_store import DjangoOrderEventStore
    from emporium.ordering.domain.events import OrderRefunded
    from emporium.shared_kernel.errors import ConcurrentUpdate
    from emporium.shared_kernel.money import Money

    store = DjangoOrderEventStore()
    order_id = uuid.UUID(order["id"])

    def refund(version: int, refunded: int) -> OrderRefunded:
        return OrderRefunded(
            aggregate_id=order["id"],
            aggregate_version=version,
            customer_id=order["customer_id"],
            payment_id=order["payment_id"],
            refund_id=str(uuid.uuid4()),
            amount=Money(1, order["currency"]),
            refunded_total=Money(refunded, order["currency"]),
            fully=False,
            restocked=False,
            refunded_at=datetime.now(UTC),
        )

    try:
        with tenant_context(TenantRef(uuid.UUID(tenant[0]), tenant[1])):
            for number in range(1, rounds + 1):
                read = 0
                try:
                    with transaction.atomic():
                        read = store.load(order_id)[-1].aggregate_version
                        barrier.wait(timeout=60)
                        store.append(order_id, read, [refund(read + 1, number)])
                    outcome = "won"
                except ConcurrentUpdate:
                    outcome = "lost"
                results.put((os.getpid(), read, outcome))
    except Exception as failed:
        # Tell the parent and free the other process, which would wait at the barrier forever.
        results.put((os.getpid(), -1, repr(failed)))
        barrier.abort()
        raise
    finally:
        connections.close_all()
