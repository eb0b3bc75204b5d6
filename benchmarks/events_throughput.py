# kombu ships no type hints.
# mypy: disable-error-code="no-untyped-call"
"""Throughput of the event pipeline: ``relay_outbox`` and ``consume_events`` as real processes.

On PostgreSQL and RabbitMQ, with N probe events (platform events of ``probe.fault_event``,
handled by the probe consumer ``fault-probe``, which writes one ``ProbeEffect`` row each):

1. relay: N outbox rows written up front, then one relay process, then two at once;
2. consumer: the N messages a relay phase left in the probe's queue, one consumer process,
   then two on the same queue;
3. end to end: a writer, one relay and one consumer together; events/s from the first write to
   the last effect, and the latency from an event's outbox row to its effect row; then again
   with the writer paced at half that rate, so the latency is the path's and not a backlog's.

The RabbitMQ node is never stopped; the probe's queue and rows are removed afterwards.

    make bench-events     # or: python benchmarks/events_throughput.py [--events 5000]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connections, transaction  # noqa: E402
from django.db.models import Max, QuerySet  # noqa: E402
from django.utils import timezone  # noqa: E402
from kombu.connection import Connection  # noqa: E402
from kombu.entity import Queue  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from emporium.infrastructure.messaging.consumer import EventConsumer  # noqa: E402
from emporium.infrastructure.messaging.models import DeliveryFailure, InboxMessage  # noqa: E402
from emporium.infrastructure.outbox.models import OutboxMessage  # noqa: E402
from tests.faults import broker, processes, queues  # noqa: E402
from tests.faults.producer import Producer  # noqa: E402
from tests.testapps.event_probe.handlers import FAULT_CONSUMER, FAULT_EVENT  # noqa: E402
from tests.testapps.event_probe.models import ProbeEffect  # noqa: E402

ADMIN = "admin"
WRITE_SIZE = 100
RELAY_BATCH = 500
#: Seconds a drained relay waits before looking again; short, so a phase's start is sharp.
RELAY_INTERVAL = 0.1
PHASE_TIMEOUT = 180.0
PACED_SECONDS = 15
# Wide enough for the table on one line per row, also when the output is not a terminal.
console = Console(width=120)


@dataclass
class Figures:
    """What one run measured, by row label."""

    rows: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, label: str, value: str, note: str = "") -> None:
        """Add one row to the table."""
        self.rows.append((label, value, note))
        console.print(f"  {label}: {value} {note}")


class Workers:
    """The relay and consumer processes of one phase, their output in one log file."""

    def __init__(self, log: IO[str]) -> None:
        self.log = log
        self.env = processes.command_env()
        self.started: list[tuple[str, subprocess.Popen[str]]] = []

    def relay(self) -> None:
        """Start one ``relay_outbox`` process."""
        args = ["relay_outbox", "--batch", str(RELAY_BATCH), "--interval", str(RELAY_INTERVAL)]
        self.started.append((args[0], processes.manage(args, self.env, self.log)))

    def consumer(self) -> None:
        """Start one ``consume_events`` process of the probe consumer."""
        args = ["consume_events", "--consumer", FAULT_CONSUMER]
        self.started.append((args[0], processes.manage(args, self.env, self.log)))

    def check(self) -> None:
        """Fail if one of the processes has exited (it should run until stopped)."""
        for command, process in self.started:
            if process.poll() is not None:
                raise AssertionError(f"{command} exited with {process.returncode}")

    def stop(self) -> None:
        """Stop every process (SIGTERM: each finishes the batch or message in hand)."""
        for _, process in self.started:
            processes.stop(process)
        self.started.clear()


def wait_for(condition: Callable[[], bool], what: str, workers: Workers) -> None:
    """Poll ``condition`` until true, failing early if a worker process died."""

    def ready() -> bool:
        workers.check()
        return condition()

    processes.wait_until(ready, PHASE_TIMEOUT, what)


# The database side ---------------------------------------------------------------------------


def probe_rows() -> QuerySet[OutboxMessage]:
    """Return the probe's outbox rows (owner role: the relay's view)."""
    return OutboxMessage.objects.using(ADMIN).filter(type=FAULT_EVENT)


def effect_rows() -> QuerySet[ProbeEffect]:
    """Return the probe consumer's effect rows."""
    # The type checker's settings leave the test apps out: it knows no ``objects`` on this one.
    return ProbeEffect._default_manager.using(ADMIN).filter(consumer=FAULT_CONSUMER)


def clear_rows() -> None:
    """Delete the probe's outbox, inbox, failure and effect rows."""
    probe_rows().delete()
    InboxMessage.objects.using(ADMIN).filter(consumer=FAULT_CONSUMER).delete()
    DeliveryFailure.objects.using(ADMIN).filter(consumer=FAULT_CONSUMER).delete()
    effect_rows().delete()


def other_pending() -> int:
    """Return unpublished outbox rows that are not the probe's (a relay would send them too)."""
    pending = OutboxMessage.objects.using(ADMIN).filter(published_at__isnull=True)
    return pending.exclude(type=FAULT_EVENT).count()


def write_events(count: int, pause: float = 0.0) -> Producer:
    """Start writing ``count`` probe events in transactions of 100; return the writer thread."""
    producer = Producer(count // WRITE_SIZE, WRITE_SIZE, pause)
    producer.start()
    return producer


def unpublished() -> int:
    """Return how many probe rows wait for the relay."""
    return int(probe_rows().filter(published_at__isnull=True).count())


def effects() -> int:
    """Return how many effect rows the probe consumer has committed."""
    return int(effect_rows().count())


def last_effect() -> datetime:
    """Return when the last effect row was written."""
    latest: datetime = effect_rows().aggregate(t=Max("created_at"))["t"]
    return latest


def relay_backends(known: set[int]) -> set[int]:
    """Return the backends not in ``known`` that have run the relay's claiming query."""
    with connections[ADMIN].cursor() as cursor:
        # Statistics are a snapshot per transaction: the caller holds one open.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND query LIKE %s",
            ["%FOR UPDATE SKIP LOCKED%"],
        )
        return {pid for (pid,) in cursor.fetchall()} - known


@contextlib.contextmanager
def rows_held() -> Iterator[None]:
    """Lock every unpublished probe row, so relays that start meanwhile skip them all."""
    with transaction.atomic(using=ADMIN):
        list(
            probe_rows()
            .filter(published_at__isnull=True)
            .select_for_update()
            .values_list("id", flat=True)
        )
        yield


# The broker side -----------------------------------------------------------------------------


def probe_queue() -> Queue:
    """Return the probe consumer's durable quorum queue."""
    return EventConsumer(FAULT_CONSUMER).queue()


def queue_state(queue: Queue) -> tuple[int, int] | None:
    """Return (ready messages, consumers) of ``queue``, or None if it does not exist."""
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        try:
            declared = connection.default_channel.queue_declare(queue=queue.name, passive=True)
        except connection.channel_errors:
            return None
        return int(declared.message_count), int(declared.consumer_count)


def consumers_of(queue: Queue) -> int:
    """Return how many consumers are attached to ``queue``."""
    state = queue_state(queue)
    return state[1] if state else 0


def depth_settled(queue: Queue) -> int:
    """Return the queue's length once two readings a moment apart agree."""
    previous = -1
    while True:
        current = queues.depth(queue)
        if current == previous:
            return current
        previous = current
        time.sleep(0.3)


# The phases ----------------------------------------------------------------------------------


def relay_phase(relays: int, count: int, workers: Workers, queue: Queue) -> tuple[float, int]:
    """Relay ``count`` rows written up front with ``relays`` processes; return (events/s, twice)."""
    clear_rows()
    queues.reset(queue)
    write_events(count).join()
    with rows_held():
        known = relay_backends(set())
        for _ in range(relays):
            workers.relay()
        wait_for(lambda: len(relay_backends(known)) >= relays, "the relays to start", workers)
    started = timezone.now()
    wait_for(lambda: unpublished() == 0, "the relays to publish every row", workers)
    workers.stop()
    finished = probe_rows().aggregate(t=Max("published_at"))["t"]
    return count / (finished - started).total_seconds(), depth_settled(queue) - count


def consumer_phase(consumers: int, count: int, workers: Workers, queue: Queue) -> float:
    """Consume the ``count`` messages in the queue with ``consumers`` processes; return effects/s.

    The rate counts from the moment all the processes are attached: one that starts sooner
    would otherwise be measured alone.
    """
    effect_rows().delete()
    for _ in range(consumers):
        workers.consumer()
    wait_for(lambda: consumers_of(queue) >= consumers, "the consumers to attach", workers)
    started, done_before = timezone.now(), effects()
    wait_for(lambda: effects() >= count, "the consumers to handle every message", workers)
    workers.stop()
    return (count - done_before) / (last_effect() - started).total_seconds()


def end_to_end(
    count: int, pause: float, workers: Workers, queue: Queue
) -> tuple[float, list[float]]:
    """Write ``count`` events beside a running relay and consumer; return (events/s, latencies)."""
    clear_rows()
    queues.reset(queue)
    known = relay_backends(set())
    workers.relay()
    workers.consumer()
    wait_for(
        lambda: relay_backends(known) != set() and consumers_of(queue) >= 1,
        "the relay and the consumer to start",
        workers,
    )
    writer = write_events(count, pause)
    # The writer's count raises what stopped it, rather than waiting out the timeout.
    wait_for(lambda: writer.count() == count and effects() >= count, "every effect", workers)
    writer.join()
    workers.stop()
    written = dict(probe_rows().values_list("id", "created_at"))
    handled = effect_rows()
    latencies = [
        (created - written[event_id]).total_seconds()
        for event_id, created in handled.values_list("event_id", "created_at")
    ]
    span = (last_effect() - min(written.values())).total_seconds()
    return count / span, latencies


# Reporting -----------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def load() -> str:
    """Return the load averages over 1, 5 and 15 minutes."""
    return ", ".join(f"{value:.2f}" for value in os.getloadavg())


def machine(before: str) -> str:
    """Return the cores, memory and load (``before`` the run, now), and the servers' versions."""
    memory = Path("/proc/meminfo").read_text().split()[1]
    with connections[ADMIN].cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        connection.ensure_connection(max_retries=1)
        rabbit = connection.connection.server_properties.get("version", "?")
    return (
        f"{os.cpu_count()} cores, {int(memory) / 1024**2:.1f} GiB RAM; load before {before}, "
        f"after {load()}; "
        f"PostgreSQL {postgres}, RabbitMQ {rabbit}"
    )


def latency(values: list[float]) -> str:
    """Return the median and 95th percentile of ``values`` (seconds)."""
    return f"latency p50 {percentile(values, 0.5):.2f} s, p95 {percentile(values, 0.95):.2f} s"


def run(count: int, log: IO[str]) -> Figures:
    """Run every phase once and return its figures."""
    figures, queue, workers = Figures(), probe_queue(), Workers(log)
    try:
        rate, twice = relay_phase(1, count, workers, queue)
        figures.add("relay, 1 process", f"{rate:,.0f} events/s", f"published twice: {twice}")
        rate = consumer_phase(1, count, workers, queue)
        figures.add("consumer, 1 process", f"{rate:,.0f} effects/s")
        rate, twice = relay_phase(2, count, workers, queue)
        figures.add("relay, 2 processes", f"{rate:,.0f} events/s", f"published twice: {twice}")
        rate = consumer_phase(2, count, workers, queue)
        figures.add("consumer, 2 processes", f"{rate:,.0f} effects/s")
        rate, latencies = end_to_end(count, 0.0, workers, queue)
        figures.add(
            "end to end, writer unpaced",
            f"{rate:,.0f} events/s",
            latency(latencies),
        )
        # Half the pipeline's rate, so that it keeps up: the latency of the path, not of a
        # backlog. About PACED_SECONDS of writing keeps the whole run within minutes.
        paced = max(WRITE_SIZE, int(rate / 2) // WRITE_SIZE * WRITE_SIZE)
        some = min(count, paced * PACED_SECONDS)
        rate, latencies = end_to_end(some, WRITE_SIZE / paced, workers, queue)
        figures.add(
            f"end to end, {some:,} written at ~{paced:,}/s",
            f"{rate:,.0f} events/s",
            latency(latencies),
        )
    finally:
        workers.stop()
    return figures


# Setting up and leaving things as found -------------------------------------------------------


def require_services() -> None:
    """Exit with a message unless PostgreSQL and a reachable RabbitMQ are configured."""
    if connections["default"].vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL and DATABASE_ADMIN_URL.")
    url = settings.CELERY_BROKER_URL
    if not url or not broker.answers(url):
        sys.exit(f"This benchmark needs RabbitMQ: none answers at {url or 'CELERY_BROKER_URL'!r}.")


def require_idle_queue(queue: Queue) -> bool:
    """Exit if someone consumes the probe's queue (the fault tests); return whether it exists."""
    state = queue_state(queue)
    if state is not None and state[1]:
        sys.exit(f"{queue.name} has {state[1]} consumers: are the fault tests running? Try later.")
    return state is not None


def restore(queue: Queue, existed: bool) -> None:
    """Delete the probe's rows, and its queue unless it was there before (then empty it)."""
    clear_rows()
    if existed:
        queues.reset(queue)
    else:
        queues.delete(queue)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5_000, help="events per phase (x100)")
    count = parser.parse_args().events
    if count < WRITE_SIZE or count % WRITE_SIZE:
        sys.exit(f"--events must be a positive multiple of {WRITE_SIZE}")
    require_services()
    if pending := other_pending():
        sys.exit(f"{pending} unpublished outbox rows of other types: a relay would send them.")
    queue = probe_queue()
    existed = require_idle_queue(queue)
    started, before = time.monotonic(), load()
    with tempfile.NamedTemporaryFile("w+", prefix="bench-events-", suffix=".log") as log:
        try:
            figures = run(count, log)
        except AssertionError as error:
            log.seek(0)
            sys.exit(f"{error}\nprocess output (last lines):\n{log.read()[-3000:]}")
        finally:
            restore(queue, existed)
    table = Table("phase", "rate", "")
    for row in figures.rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"machine: {machine(before)}")
    console.print(
        f"{count:,} events per phase, written in transactions of {WRITE_SIZE}; relay_outbox "
        f"--batch {RELAY_BATCH} --interval {RELAY_INTERVAL} (publisher confirms); consume_events "
        f"prefetch 1, one transaction per event; queue {queue.name} (quorum); "
        f"{time.monotonic() - started:.0f} s in all"
    )


if __name__ == "__main__":
    main()
