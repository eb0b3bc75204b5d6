"""10,000 events through relay and consumer processes killed and a broker restarted: each once."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count, Max, Min
from kombu.entity import Queue

from emporium.infrastructure.messaging.consumer import EventConsumer
from emporium.infrastructure.messaging.models import InboxMessage
from emporium.infrastructure.messaging.publisher import events_exchange
from emporium.infrastructure.outbox.models import OutboxMessage
from tests.faults import broker, processes, queues
from tests.faults.producer import Producer
from tests.testapps.event_probe.handlers import FAULT_CONSUMER, FAULT_EVENT
from tests.testapps.event_probe.models import ProbeEffect

pytestmark = [
    pytest.mark.faults,
    pytest.mark.rabbitmq,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
    pytest.mark.usefixtures("local_broker"),
]

BATCHES, BATCH_SIZE = 100, 100
TOTAL = BATCHES * BATCH_SIZE
#: Produced counts at which the relay is killed, then the broker is shut down: while producing.
RELAY_KILLS = (2000, 4000)
BROKER_RESTART = 6000
#: Events a relay publishes before it is killed, so that it dies in the middle of its stream.
BEFORE_KILL = 200
RELAY = ["relay_outbox", "--batch", "50", "--interval", "0.2"]
RELAYED = re.compile(r"relayed (\d+) events in [\d.]+ s \(([\d.]+)/s\)")


def tap_queue() -> Queue:
    """Return a queue with no consumer that keeps a copy of every probe event the broker took."""
    return Queue(
        "emporium.fault-probe-tap",
        exchange=events_exchange(),
        routing_key=FAULT_EVENT,
        durable=True,
        queue_arguments={"x-queue-type": "quorum"},
    )


def published() -> int:
    return (
        OutboxMessage.objects.using("admin")
        .filter(type=FAULT_EVENT, published_at__isnull=False)
        .count()
    )


def unpublished() -> int:
    return (
        OutboxMessage.objects.using("admin")
        .filter(type=FAULT_EVENT, published_at__isnull=True)
        .count()
    )


def handled_events() -> int:
    return ProbeEffect.objects.filter(consumer=FAULT_CONSUMER).values("event_id").distinct().count()


def test_every_event_has_its_effect_once_through_relay_kills_and_a_broker_restart(
    tmp_path: Path, report: Callable[[str], None]
) -> None:
    consumer_queue, tap = EventConsumer(FAULT_CONSUMER).queue(), tap_queue()
    queues.reset(consumer_queue)
    queues.reset(tap)
    env = processes.command_env()
    log_path = tmp_path / "pipeline.log"
    log = log_path.open("a")
    producer = Producer(BATCHES, BATCH_SIZE, pause=0.25)
    faults: list[str] = []

    def fault(what: str, while_producing: bool = True) -> None:
        # Each fault must strike while events are still being produced.
        assert producer.is_alive() or not while_producing, f"{what}: producing had finished"
        faults.append(
            f"{what} at {producer.count()} produced, {published()} published, "
            f"{handled_events()} consumed"
        )

    started = time.monotonic()
    try:
        consume = ["consume_events", "--consumer", FAULT_CONSUMER]
        with processes.Supervised(lambda: processes.manage(consume, env, log)) as consumer:
            relay = processes.manage(RELAY, env, log)
            try:
                producer.start()
                for threshold in RELAY_KILLS:
                    floor = published() + BEFORE_KILL
                    processes.wait_until(
                        lambda t=threshold, f=floor: producer.count() >= t and published() >= f,
                        120,
                        f"{threshold} produced and {floor} published",
                    )
                    fault("relay SIGKILL")
                    processes.kill(relay)
                    relay = processes.manage(RELAY, env, log)
                floor = published() + BEFORE_KILL
                processes.wait_until(
                    lambda: producer.count() >= BROKER_RESTART and published() >= floor,
                    120,
                    f"{BROKER_RESTART} produced and {floor} published",
                )
                fault("RabbitMQ shutdown")
                broker.stop(settings.CELERY_BROKER_URL)
                broker.start(settings.CELERY_BROKER_URL)
                fault("RabbitMQ started", while_producing=False)
                producer.join(timeout=120)
                assert producer.error is None, producer.error
                processes.wait_until(
                    lambda: unpublished() == 0 and producer.count() == TOTAL, 180, "the relay"
                )
                relayed_at = time.monotonic() - started
                processes.wait_until(
                    lambda: handled_events() == TOTAL and queues.depth(consumer_queue) == 0,
                    180,
                    "the consumer",
                )
                consumed_at = time.monotonic() - started
            finally:
                processes.stop(relay)
                producer.join(timeout=60)
        # The consumer has finished its last message (SIGTERM lets it): now count.
        effects = dict(
            ProbeEffect.objects.filter(consumer=FAULT_CONSUMER)
            .values_list("event_id")
            .annotate(n=Count("id"))
            .values_list("event_id", "n")
        )
        copies = queues.depth(tap)
    finally:
        log.close()
        queues.delete(consumer_queue, tap)

    produced = set(producer.produced)
    assert len(produced) == TOTAL
    assert set(effects) == produced, f"missing {len(produced - set(effects))} events"
    doubled = {event_id: n for event_id, n in effects.items() if n != 1}
    assert not doubled, f"{len(doubled)} events had more than one effect"
    assert InboxMessage.objects.filter(consumer=FAULT_CONSUMER).count() == TOTAL
    assert len(faults) == 4

    output = log_path.read_text()
    rates = [float(rate) for _, rate in RELAYED.findall(output)]
    span = ProbeEffect.objects.filter(consumer=FAULT_CONSUMER).aggregate(
        first=Min("created_at"), last=Max("created_at")
    )
    consuming = (span["last"] - span["first"]).total_seconds()
    retried = OutboxMessage.objects.using("admin").filter(type=FAULT_EVENT, attempts__gt=0)
    for line in faults:
        report(line)
    report(
        f"produced {TOTAL} in {producer.seconds:.1f} s; all relayed after {relayed_at:.1f} s, "
        f"all consumed after {consumed_at:.1f} s ({TOTAL / consumed_at:.0f} events/s end to end)"
    )
    report(
        f"consumer wrote its effects over {consuming:.1f} s ({TOTAL / consuming:.0f}/s); "
        f"relay batches: median {statistics.median(rates):.0f} events/s; "
        f"{retried.count()} rows needed a retry; broker took {copies} copies "
        f"({copies - TOTAL} published twice, skipped by the inbox); "
        f"consumer restarted {len(consumer.exit_codes)} times (exits {consumer.exit_codes})"
    )
