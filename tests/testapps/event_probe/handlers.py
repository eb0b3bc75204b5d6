"""The probe consumers: record an effect; the slow one then lingers inside its transaction."""

from __future__ import annotations

import os
import time
from pathlib import Path

from emporium.shared_kernel.events import EventEnvelope
from tests.testapps.event_probe.models import ProbeEffect

FAULT_CONSUMER = "fault-probe"
FAULT_EVENT = "probe.fault_event"
SLOW_CONSUMER = "slow-probe"
SLOW_EVENT = "probe.slow_event"
#: Seconds the slow handler sleeps after its insert; set per process by the test.
SLOW_SECONDS_VARIABLE = "EVENT_PROBE_SLOW_SECONDS"


def record_effect(envelope: EventEnvelope) -> None:
    """Insert this consumer's effect row for the event."""
    ProbeEffect.objects.create(consumer=FAULT_CONSUMER, event_id=envelope.id)


def record_effect_slowly(envelope: EventEnvelope) -> None:
    """Insert the effect, touch the payload's marker file, then sleep before committing."""
    ProbeEffect.objects.create(consumer=SLOW_CONSUMER, event_id=envelope.id)
    # The marker tells the test the handler is inside its open transaction: time to kill it.
    Path(envelope.payload["marker"]).touch()
    time.sleep(float(os.environ.get(SLOW_SECONDS_VARIABLE, "0")))
