"""``run_event_workers``: the relay and every consumer as children, restarted, stopped together."""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import transaction

from emporium.infrastructure.management.commands.run_event_workers import worker_commands
from emporium.infrastructure.messaging.consumer import EventConsumer
from emporium.infrastructure.messaging.inbox import consumer_registry
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.shared_kernel.events import EventEnvelope
from tests.faults import processes, queues
from tests.testapps.event_probe.handlers import FAULT_CONSUMER, FAULT_EVENT
from tests.testapps.event_probe.models import ProbeEffect

pytestmark = [
    pytest.mark.faults,
    pytest.mark.rabbitmq,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
    pytest.mark.usefixtures("local_broker"),
]


def children(parent: int) -> dict[int, str]:
    """Return the command lines of ``parent``'s child processes, by pid."""
    found = subprocess.run(["pgrep", "-a", "-P", str(parent)], capture_output=True, text=True)
    return {
        int(pid): command
        for pid, _, command in (line.partition(" ") for line in found.stdout.splitlines())
    }


def produce(n: int) -> uuid.UUID:
    """Commit one probe event to the outbox and return its id."""
    item = EventEnvelope(
        id=uuid.uuid4(),
        type=FAULT_EVENT,
        occurred_at=datetime.now(UTC),
        tenant=None,
        aggregate_id=f"workers-{n}",
        aggregate_version=1,
        payload={},
    )
    with transaction.atomic():
        OutboxMessage.from_envelope(item).save()
    return item.id


def handled(event_id: uuid.UUID) -> Callable[[], bool]:
    return lambda: ProbeEffect.objects.filter(event_id=event_id).exists()


def test_the_workers_deliver_restart_a_dead_relay_and_stop_together(
    tmp_path: Path, report: Callable[[str], None]
) -> None:
    queue = EventConsumer(FAULT_CONSUMER).queue()
    queues.reset(queue)
    expected = len(worker_commands(consumer_registry()))
    log_path = tmp_path / "workers.log"
    log = log_path.open("a")
    workers = processes.manage(["run_event_workers"], processes.command_env(), log)
    try:
        processes.wait_until(
            lambda: len(children(workers.pid)) == expected, timeout=60, what="the workers"
        )
        first = produce(1)
        processes.wait_until(handled(first), timeout=90, what="the first event's effect")

        [relay] = [pid for pid, line in children(workers.pid).items() if "relay_outbox" in line]
        os.kill(relay, signal.SIGKILL)
        second = produce(2)
        processes.wait_until(handled(second), timeout=90, what="a restarted relay")
        kids = children(workers.pid)
    finally:
        processes.stop(workers)
        log.close()
        queues.delete(queue)

    output = log_path.read_text()
    assert workers.returncode == 0, output
    assert f"started {expected} event workers" in output
    assert "relay_outbox exited with -9; restarting" in output
    assert "stopped the event workers" in output
    assert len(kids) == expected
    assert relay not in kids
    assert children(workers.pid) == {}
    assert ProbeEffect.objects.filter(event_id__in=[first, second]).count() == 2
    report(f"run_event_workers: {expected} workers, a killed relay restarted, all stopped")
