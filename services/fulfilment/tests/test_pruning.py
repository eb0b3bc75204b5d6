"""Pruning: sent outbox rows and inbox rows past their windows go, in batches; the rest stays."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from shipments.loops import ShipperLoop
from shipments.models import InboxMessage, OutboxMessage
from shipments.pruning import PeriodicPrune, Pruned, prune

SERVICE = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)
OUTBOX_WINDOW = timedelta(hours=168)
INBOX_WINDOW = timedelta(hours=720)


def _outbox(
    published_at: datetime | None, failed_at: datetime | None = None, tenant: str = "acme"
) -> OutboxMessage:
    return OutboxMessage.objects.create(
        type="fulfilment.shipment_dispatched",
        tenant=tenant,
        aggregate_id=str(uuid.uuid4()),
        aggregate_version=1,
        occurred_at=NOW - timedelta(days=400),
        payload={},
        created_at=NOW - timedelta(days=400),
        published_at=published_at,
        failed_at=failed_at,
    )


def _inbox(received_at: datetime, tenant: str | None = "acme") -> InboxMessage:
    return InboxMessage.objects.create(
        consumer="fulfilment",
        event_id=uuid.uuid4(),
        event_type="ordering.fulfilment_requested",
        tenant=tenant,
        received_at=received_at,
    )


def _deletes(queries: CaptureQueriesContext, table: str) -> int:
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith("DELETE") and table in query["sql"]
    )


@pytest.fixture
def rows() -> dict[str, set]:
    """Rows on both sides of each window (the defaults: 168 h and 720 h), and rows that stay."""
    outbox_cut = NOW - OUTBOX_WINDOW
    inbox_cut = NOW - INBOX_WINDOW
    old_outbox = {
        _outbox(outbox_cut - SECOND).id,
        _outbox(outbox_cut - timedelta(days=30)).id,
        _outbox(outbox_cut - timedelta(days=300), tenant=None).id,
    }
    kept_outbox = {
        _outbox(outbox_cut + SECOND).id,  # just inside the window
        _outbox(outbox_cut).id,  # exactly at the cutoff: not older than it
        _outbox(NOW).id,
        _outbox(None).id,  # never sent
        _outbox(None, failed_at=NOW - timedelta(days=300)).id,  # given up, waits for resend
    }
    old_inbox = {
        _inbox(inbox_cut - SECOND).id,
        _inbox(inbox_cut - timedelta(days=90)).id,
        _inbox(inbox_cut - timedelta(days=365), tenant=None).id,
        _inbox(inbox_cut - timedelta(days=400)).id,
    }
    kept_inbox = {
        _inbox(inbox_cut + SECOND).id,
        _inbox(inbox_cut).id,
        # Old enough for the outbox's window, far too young for the inbox's.
        _inbox(NOW - OUTBOX_WINDOW - timedelta(days=1)).id,
        _inbox(NOW).id,
    }
    return {
        "old_outbox": old_outbox,
        "kept_outbox": kept_outbox,
        "old_inbox": old_inbox,
        "kept_inbox": kept_inbox,
    }


@pytest.mark.django_db
def test_the_defaults_are_a_week_for_the_outbox_and_thirty_days_for_the_inbox():
    assert settings.FULFILMENT_OUTBOX_RETENTION_HOURS == 168
    assert settings.FULFILMENT_INBOX_RETENTION_HOURS == 720


@pytest.mark.django_db
def test_prune_deletes_exactly_the_rows_past_each_window(rows):
    pruned = prune(now=NOW)

    assert pruned == Pruned(outbox=3, inbox=4)
    assert set(OutboxMessage.objects.values_list("id", flat=True)) == rows["kept_outbox"]
    assert set(InboxMessage.objects.values_list("id", flat=True)) == rows["kept_inbox"]
    assert prune(now=NOW) == Pruned(outbox=0, inbox=0)


@pytest.mark.django_db
def test_unsent_and_given_up_rows_stay_however_old():
    _outbox(None)
    _outbox(None, failed_at=NOW - timedelta(days=1000))
    # Sent after a resend cleared failed_at: an ordinary sent row.
    sent = _outbox(NOW - timedelta(days=1000))

    assert prune(now=NOW) == Pruned(outbox=1, inbox=0)
    assert OutboxMessage.objects.count() == 2
    assert not OutboxMessage.objects.filter(id=sent.id).exists()
    assert OutboxMessage.objects.filter(published_at__isnull=False).count() == 0


@pytest.mark.django_db
def test_small_batches_delete_everything_a_few_ids_per_statement(rows):
    for _ in range(4):
        _outbox(NOW - OUTBOX_WINDOW - timedelta(hours=5))
    # 7 outbox rows (batches 2 + 2 + 2 + 1) and 4 inbox rows (2 + 2, then an empty look).
    with CaptureQueriesContext(connection) as queries:
        pruned = prune(now=NOW, batch_size=2)

    assert pruned == Pruned(outbox=7, inbox=4)
    assert _deletes(queries, OutboxMessage._meta.db_table) == 4
    assert _deletes(queries, InboxMessage._meta.db_table) == 2
    assert set(OutboxMessage.objects.values_list("id", flat=True)) == rows["kept_outbox"]
    assert set(InboxMessage.objects.values_list("id", flat=True)) == rows["kept_inbox"]


@pytest.mark.django_db
def test_a_batch_of_one_row(rows):
    with CaptureQueriesContext(connection) as queries:
        pruned = prune(now=NOW, batch_size=1)

    assert pruned == Pruned(outbox=3, inbox=4)
    assert _deletes(queries, OutboxMessage._meta.db_table) == 3
    assert _deletes(queries, InboxMessage._meta.db_table) == 4


@pytest.mark.django_db
def test_the_default_batch_is_one_statement_for_a_small_backlog(rows):
    with CaptureQueriesContext(connection) as queries:
        prune(now=NOW)

    assert _deletes(queries, OutboxMessage._meta.db_table) == 1
    assert _deletes(queries, InboxMessage._meta.db_table) == 1


def test_a_batch_size_below_one_is_refused():
    with pytest.raises(ValueError, match="batch_size"):
        prune(now=NOW, batch_size=0)


@pytest.mark.django_db
def test_the_windows_follow_the_settings(rows):
    with override_settings(
        FULFILMENT_OUTBOX_RETENTION_HOURS=1, FULFILMENT_INBOX_RETENTION_HOURS=24 * 400
    ):
        pruned = prune(now=NOW)

    # Outbox: every sent row older than an hour (the three old ones and the two at the edge of
    # the default window). Inbox: only the one received more than 400 days before NOW.
    assert pruned == Pruned(outbox=5, inbox=1)
    assert OutboxMessage.objects.filter(published_at__isnull=False).count() == 1
    assert OutboxMessage.objects.filter(published_at__isnull=True).count() == 2
    assert InboxMessage.objects.count() == 7


@pytest.mark.django_db
def test_a_dry_run_counts_and_deletes_nothing(rows):
    assert prune(now=NOW, dry_run=True) == Pruned(outbox=3, inbox=4)
    assert OutboxMessage.objects.count() == 8
    assert InboxMessage.objects.count() == 8


@pytest.mark.django_db
def test_the_command_prints_the_counts_and_its_dry_run_deletes_nothing():
    now = timezone.now()
    minute = timedelta(minutes=1)
    _outbox(now - OUTBOX_WINDOW - minute)
    _outbox(now - OUTBOX_WINDOW - timedelta(days=3))
    kept_outbox = {
        _outbox(now - OUTBOX_WINDOW + minute).id,
        _outbox(None).id,
        _outbox(None, failed_at=now - timedelta(days=300)).id,
    }
    _inbox(now - INBOX_WINDOW - minute)
    kept_inbox = {_inbox(now - INBOX_WINDOW + minute).id, _inbox(now).id}
    out = StringIO()

    call_command("prune", "--dry-run", stdout=out)

    assert out.getvalue().splitlines() == [
        "outbox: 2 row(s) would be deleted (sent more than 168 h ago)",
        "inbox: 1 row(s) would be deleted (received more than 720 h ago)",
    ]
    assert (OutboxMessage.objects.count(), InboxMessage.objects.count()) == (5, 3)

    out = StringIO()
    call_command("prune", stdout=out)

    assert out.getvalue().splitlines() == [
        "outbox: 2 row(s) deleted (sent more than 168 h ago)",
        "inbox: 1 row(s) deleted (received more than 720 h ago)",
    ]
    assert set(OutboxMessage.objects.values_list("id", flat=True)) == kept_outbox
    assert set(InboxMessage.objects.values_list("id", flat=True)) == kept_inbox


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.django_db
def test_the_loop_prunes_at_most_once_an_hour():
    clock = Clock()
    loop = ShipperLoop(PeriodicPrune(clock=clock))
    old = timezone.now() - OUTBOX_WINDOW - timedelta(hours=1)

    _outbox(old)
    loop.run_pass()  # the first pass prunes
    assert OutboxMessage.objects.count() == 0

    _outbox(old)
    clock.now += 3599
    loop.run_pass()
    assert OutboxMessage.objects.count() == 1  # not yet an hour

    clock.now += 1
    loop.run_pass()
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_a_failed_prune_is_logged_and_waits_for_the_next_hour(monkeypatch, caplog):
    calls = []

    def broken(**kwargs):
        calls.append(kwargs)
        raise RuntimeError("database away")

    monkeypatch.setattr("shipments.pruning.prune", broken)
    clock = Clock()
    pruner = PeriodicPrune(clock=clock)

    assert pruner() is None
    assert pruner() is None
    assert len(calls) == 1
    assert "Pruning failed" in caplog.text
    clock.now += 3600
    pruner()
    assert len(calls) == 2


@pytest.mark.parametrize(
    "variable", ["FULFILMENT_OUTBOX_RETENTION_HOURS", "FULFILMENT_INBOX_RETENTION_HOURS"]
)
@pytest.mark.parametrize(("value", "loads"), [("0", False), ("-1", False), ("2.5", True)])
def test_the_windows_must_be_positive_hours(variable, value, loads):
    env = {
        name: val
        for name, val in os.environ.items()
        if not name.startswith("FULFILMENT_") and name != "DEBUG"
    }
    env.update({"FULFILMENT_SERVICE_KEY": "a-real-key", variable: value})
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from fulfilment_service import settings as s; print(s.{variable})",
        ],
        cwd=SERVICE,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    if loads:
        assert loaded.returncode == 0, loaded.stderr
        assert loaded.stdout.strip() == value
    else:
        assert loaded.returncode != 0
        assert f"{variable} is a number of hours above 0" in loaded.stderr
