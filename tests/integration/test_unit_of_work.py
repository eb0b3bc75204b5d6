"""The Django unit of work: aggregate rows and outbox rows commit or roll back together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from uuid import UUID

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from emporium.infrastructure.models import OutboxMessage
from emporium.infrastructure.unit_of_work import DjangoUnitOfWork
from emporium.shared_kernel.events import DomainEvent, EventEnvelope
from emporium.shared_kernel.messagebus import MessageBus
from tests.testapps.uow_probe.domain import Probe, ProbeCreated, ProbeRenamed
from tests.testapps.uow_probe.models import ProbeRow
from tests.testapps.uow_probe.repository import ProbeRepository

PROBE_ID = UUID("5e1f0c3a-7b2d-4e6f-8a9b-0c1d2e3f4a5b")

pytestmark = pytest.mark.django_db(transaction=True)


def recording_bus(calls: list[tuple[str, bool]]) -> MessageBus:
    """Return a bus whose handlers note each event and whether a transaction was still open."""

    def note(event: DomainEvent) -> None:
        calls.append((event.type, connection.in_atomic_block))

    bus = MessageBus()
    bus.register(ProbeCreated, note)
    bus.register(ProbeRenamed, note)
    return bus


def renamed_probe() -> Probe:
    """Return a new probe with two events: created as "draft", renamed to "final"."""
    probe = Probe.create(PROBE_ID, "draft")
    probe.rename("final")
    return probe


def create_probe(
    uow: DjangoUnitOfWork, probe: Probe | None = None, then: Callable[[], None] = lambda: None
) -> None:
    """Add ``probe`` (by default a renamed one) through the repository, call ``then``, commit."""
    with uow:
        ProbeRepository(uow).add(probe or renamed_probe())
        then()
        uow.commit()


def test_commit_writes_the_aggregate_row_and_its_outbox_rows_together(settings) -> None:
    # With a broker the rows wait for the relay; without one see the next test.
    settings.CELERY_BROKER_URL = "amqp://guest:guest@127.0.0.1:5672//"
    probe = renamed_probe()
    created, renamed = probe.events

    create_probe(DjangoUnitOfWork(MessageBus(), tenant="acme"), probe)

    assert list(ProbeRow.objects.values_list("id", "name", "version")) == [(PROBE_ID, "final", 2)]
    rows = OutboxMessage.objects.order_by("aggregate_version")
    assert [
        (r.id, r.type, r.tenant, r.aggregate_id, r.aggregate_version, r.payload) for r in rows
    ] == [
        (created.event_id, "probe.probe_created", "acme", str(PROBE_ID), 1, {"name": "draft"}),
        (
            renamed.event_id,
            "probe.probe_renamed",
            "acme",
            str(PROBE_ID),
            2,
            {"old_name": "draft", "new_name": "final"},
        ),
    ]
    assert rows[0].to_envelope() == EventEnvelope.wrap(created, "acme")
    assert [(r.published_at, r.attempts, r.last_error) for r in rows] == [(None, 0, "")] * 2
    assert probe.events == []


def test_without_a_broker_the_outbox_rows_are_delivered_after_commit_and_marked_published(
    settings,
) -> None:
    # The embedded default: no relay runs, so the unit of work hands the envelopes to the
    # in-process consumers once the transaction has committed and marks the rows published.
    settings.CELERY_BROKER_URL = ""
    probe = renamed_probe()
    created, renamed = probe.events
    seen_in_transaction: list[tuple[UUID, datetime | None]] = []

    def look() -> None:
        seen_in_transaction.extend(OutboxMessage.objects.values_list("id", "published_at"))

    before = timezone.now()
    with DjangoUnitOfWork(MessageBus(), tenant="acme") as uow:
        ProbeRepository(uow).add(probe)
        uow.commit()
        look()

    assert list(ProbeRow.objects.values_list("id", "name", "version")) == [(PROBE_ID, "final", 2)]
    assert sorted(seen_in_transaction) == sorted(
        [(created.event_id, None), (renamed.event_id, None)]
    )
    rows = OutboxMessage.objects.order_by("aggregate_version")
    assert [(r.id, r.type, r.tenant, r.attempts, r.last_error) for r in rows] == [
        (created.event_id, "probe.probe_created", "acme", 0, ""),
        (renamed.event_id, "probe.probe_renamed", "acme", 0, ""),
    ]
    assert all(r.published_at is not None and r.published_at >= before for r in rows)


def test_the_tenant_can_be_read_when_the_commit_happens() -> None:
    current = {"slug": "acme"}
    uow = DjangoUnitOfWork(MessageBus(), tenant=lambda: current["slug"])
    current["slug"] = "globex"

    create_probe(uow)

    assert set(OutboxMessage.objects.values_list("tenant", flat=True)) == {"globex"}


def test_an_error_after_the_aggregate_write_leaves_no_row_and_no_outbox_row() -> None:
    calls: list[tuple[str, bool]] = []

    def fail() -> None:
        assert ProbeRow.objects.filter(id=PROBE_ID).exists()  # written, not yet committed
        raise RuntimeError("payment provider timed out")

    with pytest.raises(RuntimeError, match="payment provider timed out"):
        create_probe(DjangoUnitOfWork(recording_bus(calls), tenant="acme"), then=fail)

    assert ProbeRow.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert calls == []


def test_a_failing_outbox_insert_rolls_back_the_aggregate_row() -> None:
    calls: list[tuple[str, bool]] = []
    probe = Probe.create(PROBE_ID, "draft")
    # The event id is the outbox primary key: an existing row makes the insert fail.
    taken = EventEnvelope.wrap(probe.events[0], "acme")
    OutboxMessage.from_envelope(taken).save(force_insert=True)

    with pytest.raises(IntegrityError):
        create_probe(DjangoUnitOfWork(recording_bus(calls), tenant="acme"), probe)

    assert ProbeRow.objects.count() == 0
    assert list(OutboxMessage.objects.values_list("id", flat=True)) == [taken.id]
    assert calls == []


def test_leaving_without_commit_rolls_back_and_dispatches_nothing() -> None:
    calls: list[tuple[str, bool]] = []

    with DjangoUnitOfWork(recording_bus(calls)) as uow:
        ProbeRepository(uow).add(Probe.create(PROBE_ID, "draft"))

    assert ProbeRow.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
    assert calls == []


def test_handlers_run_only_after_the_transaction_commits() -> None:
    calls: list[tuple[str, bool]] = []
    uow = DjangoUnitOfWork(recording_bus(calls))

    with uow:
        ProbeRepository(uow).add(Probe.create(PROBE_ID, "draft"))
        uow.commit()
        assert calls == []

    assert calls == [("probe.probe_created", False)]


def test_inside_an_outer_transaction_handlers_wait_for_the_outer_commit() -> None:
    calls: list[tuple[str, bool]] = []

    with transaction.atomic():
        create_probe(DjangoUnitOfWork(recording_bus(calls)))
        assert calls == []

    assert calls == [("probe.probe_created", False), ("probe.probe_renamed", False)]


def test_a_rolled_back_savepoint_dispatches_nothing_and_the_outer_work_survives() -> None:
    calls: list[tuple[str, bool]] = []

    with transaction.atomic():
        ProbeRow.objects.create(id=UUID(int=1), name="outer", version=0)
        with DjangoUnitOfWork(recording_bus(calls)) as uow:
            ProbeRepository(uow).add(Probe.create(PROBE_ID, "draft"))
            uow.commit()
            uow.rollback()

    assert list(ProbeRow.objects.values_list("name", flat=True)) == ["outer"]
    assert OutboxMessage.objects.count() == 0
    assert calls == []


def test_a_failing_handler_does_not_break_the_commit(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[tuple[str, bool]] = []
    bus = MessageBus()

    def explode(event: ProbeCreated) -> None:
        raise RuntimeError("mail server down")

    bus.register(ProbeCreated, explode)
    bus.register(ProbeCreated, lambda e: calls.append((e.type, connection.in_atomic_block)))

    probe = renamed_probe()
    created_id = probe.events[0].event_id

    with caplog.at_level(logging.ERROR):
        create_probe(DjangoUnitOfWork(bus), probe)

    assert ProbeRow.objects.filter(id=PROBE_ID).exists()
    assert OutboxMessage.objects.count() == 2
    assert calls == [("probe.probe_created", False)]
    failures = [r for r in caplog.records if r.name == "emporium.shared_kernel.messagebus"]
    assert [(r.event_id, r.event_type) for r in failures] == [
        (str(created_id), "probe.probe_created")
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, databases=["default", "admin"])
def test_another_connection_sees_neither_row_before_the_commit_and_both_after() -> None:
    def counts(alias: str) -> tuple[int, int]:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"SELECT (SELECT count(*) FROM {ProbeRow._meta.db_table}), "
                f"(SELECT count(*) FROM {OutboxMessage._meta.db_table})"
            )
            probes, messages = cursor.fetchone()
        return probes, messages

    with DjangoUnitOfWork(MessageBus(), tenant="acme") as uow:
        ProbeRepository(uow).add(renamed_probe())
        uow.commit()
        written_here, seen_elsewhere = counts("default"), counts("admin")

    assert written_here == (1, 2)
    assert seen_elsewhere == (0, 0)
    assert counts("admin") == (1, 2)


def test_in_transaction_handlers_run_before_the_commit_on_its_connection() -> None:
    calls: list[tuple[str, str, bool]] = []
    bus = MessageBus()
    bus.register_in_transaction(
        ProbeCreated, lambda e, using: calls.append((e.type, using, connection.in_atomic_block))
    )

    create_probe(DjangoUnitOfWork(bus))

    assert calls == [("probe.probe_created", "default", True)]


def test_a_failing_in_transaction_handler_fails_the_commit_and_writes_nothing() -> None:
    bus = MessageBus()

    def refuse(event: ProbeCreated, using: str) -> None:
        raise RuntimeError("the audit log is unavailable")

    bus.register_in_transaction(ProbeCreated, refuse)

    with pytest.raises(RuntimeError, match="the audit log is unavailable"):
        create_probe(DjangoUnitOfWork(bus))

    assert ProbeRow.objects.count() == 0
    assert OutboxMessage.objects.count() == 0
