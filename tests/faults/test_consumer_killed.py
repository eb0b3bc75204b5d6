"""A consumer process killed in the middle of its handler: the message goes to the next one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from emporium.infrastructure.messaging.consumer import EventConsumer
from emporium.infrastructure.messaging.models import InboxMessage
from emporium.infrastructure.messaging.publisher import KombuPublisher
from emporium.shared_kernel.events import EventEnvelope
from tests.faults import processes, queues
from tests.testapps.event_probe.handlers import (
    SLOW_CONSUMER,
    SLOW_EVENT,
    SLOW_SECONDS_VARIABLE,
)
from tests.testapps.event_probe.models import ProbeEffect

pytestmark = [
    pytest.mark.faults,
    pytest.mark.rabbitmq,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
    pytest.mark.usefixtures("local_broker"),
]


def publish_slow_event(marker: Path) -> EventEnvelope:
    """Publish one platform event for the slow probe, naming the marker file it touches."""
    item = EventEnvelope(
        id=uuid.uuid4(),
        type=SLOW_EVENT,
        occurred_at=datetime.now(UTC),
        tenant=None,
        aggregate_id="slow-1",
        aggregate_version=1,
        payload={"marker": str(marker)},
    )
    publisher = KombuPublisher()
    try:
        publisher.publish(item)
    finally:
        publisher.close()
    return item


def test_a_consumer_killed_mid_handler_leaves_the_message_to_the_next_which_acts_once(
    tmp_path: Path, report: Callable[[str], None]
) -> None:
    queue = EventConsumer(SLOW_CONSUMER).queue()
    queues.reset(queue)
    marker = tmp_path / "inside-the-handler"
    item = publish_slow_event(marker)
    log = (tmp_path / "consumers.log").open("a")
    args = ["consume_events", "--consumer", SLOW_CONSUMER]
    try:
        # The first worker inserts its effect, then sleeps inside the open transaction.
        first = processes.manage(args, processes.command_env(**{SLOW_SECONDS_VARIABLE: "300"}), log)
        try:
            processes.wait_until(marker.exists, timeout=60, what="the handler to start")
            # Uncommitted, so invisible here: the kill must leave nothing behind.
            assert not ProbeEffect.objects.filter(event_id=item.id).exists()
            processes.kill(first)
        finally:
            processes.stop(first)

        second = processes.manage(
            [*args, "--once", "--idle", "1"],
            processes.command_env(**{SLOW_SECONDS_VARIABLE: "0"}),
            log,
        )
        assert second.wait(timeout=120) == 0
        assert queues.depth(queue) == 0
    finally:
        log.close()
        output = (tmp_path / "consumers.log").read_text()
        queues.delete(queue)

    assert first.returncode == -9
    assert "handled 1 messages, 0 failed" in output, output
    assert ProbeEffect.objects.filter(event_id=item.id).count() == 1
    assert InboxMessage.objects.filter(consumer=SLOW_CONSUMER, event_id=item.id).count() == 1
    report(f"killed consumer: event {item.id} redelivered to the second worker, effect once")
