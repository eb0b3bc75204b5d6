"""Write probe events to the outbox in many small transactions, beside a running relay."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime

from django.db import connections, transaction

from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.shared_kernel.events import EventEnvelope
from tests.testapps.event_probe.handlers import FAULT_EVENT


def probe_event(n: int) -> EventEnvelope:
    """Return the ``n``th probe event: a platform event, so no tenant lookup is involved."""
    return EventEnvelope(
        id=uuid.uuid4(),
        type=FAULT_EVENT,
        occurred_at=datetime.now(UTC),
        tenant=None,
        aggregate_id=f"probe-{n // 100}",
        aggregate_version=n % 100 + 1,
        payload={"n": n},
    )


class Producer(threading.Thread):
    """Commit ``batches`` transactions of ``size`` outbox rows, pausing between them."""

    def __init__(self, batches: int, size: int, pause: float) -> None:
        super().__init__(daemon=True)
        self.batches, self.size, self.pause = batches, size, pause
        self.produced: list[uuid.UUID] = []
        self.error: BaseException | None = None
        self.seconds = 0.0

    def run(self) -> None:
        started = time.monotonic()
        try:
            for batch in range(self.batches):
                rows = [
                    OutboxMessage.from_envelope(probe_event(batch * self.size + i))
                    for i in range(self.size)
                ]
                with transaction.atomic():
                    OutboxMessage.objects.bulk_create(rows)
                self.produced.extend(row.id for row in rows)
                time.sleep(self.pause)
        except BaseException as error:  # noqa: BLE001  (re-raised by the test's thread)
            self.error = error
        finally:
            self.seconds = time.monotonic() - started
            connections.close_all()

    def count(self) -> int:
        """Return how many events are committed so far; raise what stopped the producer."""
        if self.error is not None:
            raise self.error
        return len(self.produced)
