"""The relay loop's pacing: at once while rows flow, backing off while the receiver fails."""

from __future__ import annotations

import pytest

from shipments.carrier import ship_due
from shipments.inbox import apply_envelope
from shipments.loops import MAX_RELAY_BACKOFF, RelayLoop
from shipments.models import OutboxMessage
from tests import envelopes

pytestmark = pytest.mark.django_db


class FakePublisher:
    """Takes envelopes into a list, or refuses them while ``down``."""

    def __init__(self) -> None:
        self.sent: list = []
        self.down = False

    def publish(self, envelope) -> None:
        if self.down:
            raise ConnectionError("receiver down")
        self.sent.append(envelope)

    def close(self) -> None:
        pass


def test_the_relay_backs_off_while_failing_and_resumes_at_once():
    apply_envelope(envelopes.fulfilment_requested())
    ship_due()
    publisher = FakePublisher()
    publisher.down = True
    loop = RelayLoop(publisher, poll=0.5)

    waits = [loop.run_pass() for _ in range(8)]

    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, MAX_RELAY_BACKOFF, 30.0, 30.0]
    assert OutboxMessage.objects.get().attempts == 8

    publisher.down = False

    assert loop.run_pass() == 0.0  # sent one: look again at once
    assert loop.run_pass() == 0.5  # nothing left: the usual poll
    assert [e.id for e in publisher.sent] == [OutboxMessage.objects.get().id]
