"""Retention: one periodic task deletes, across tenants, audit entries, spent delivery failures,
inbox rows and published outbox rows past their configured days; a row exactly as old as its
limit stays."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction

from emporium.identity.models import AuditEvent
from emporium.infrastructure import retention
from emporium.infrastructure.messaging.models import DeliveryFailure, InboxMessage
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.infrastructure.tasks import retention as retention_task
from emporium.multitenancy.context import TenantRef, tenant_context

# Committed rows: the rules delete on the owner's connection ("admin"), across tenants.
pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "admin"])

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
TICK = timedelta(microseconds=1)
PROBE = "probe.thing_happened"
DEFAULTS = {"audit": 365, "delivery_failures": 30, "inbox": 30, "outbox": 7}


def outbox(published_at: datetime | None, created_at: datetime = NOW - 400 * DAY) -> uuid.UUID:
    row = OutboxMessage.objects.create(
        id=uuid.uuid4(),
        type=PROBE,
        tenant="acme",
        aggregate_id="thing",
        aggregate_version=1,
        occurred_at=created_at,
        payload={},
    )
    OutboxMessage.objects.filter(pk=row.pk).update(created_at=created_at, published_at=published_at)
    return row.pk


def inbox(processed_at: datetime) -> int:
    row = InboxMessage.objects.create(
        consumer="probe", event_id=uuid.uuid4(), event_type=PROBE, tenant="acme"
    )
    InboxMessage.objects.filter(pk=row.pk).update(processed_at=processed_at)
    return row.pk


def failure(status: str, last_failed_at: datetime) -> int:
    row = DeliveryFailure.objects.create(
        consumer="probe",
        event_id=uuid.uuid4(),
        event_type=PROBE,
        tenant="acme",
        envelope="{}",
        status=status,
        attempts=5,
        last_failed_at=last_failed_at,
        next_attempt_at=None if status == DeliveryFailure.FAILED else NOW,
    )
    return row.pk


def entry(tenant: TenantRef | None, occurred_at: datetime) -> int:
    if tenant is None:
        with transaction.atomic():
            return AuditEvent.objects.create(event="tenant_suspended", occurred_at=occurred_at).pk
    with tenant_context(tenant), transaction.atomic():
        row = AuditEvent.objects.create(
            tenant_id=tenant.id, event="sign_in_failed", occurred_at=occurred_at
        )
    return row.pk


def remaining() -> dict[str, set[Any]]:
    return {
        "audit": set(AuditEvent.everywhere.using("admin").values_list("pk", flat=True)),
        # This test's rows only: creating the shops wrote events (unpublished) of their own.
        "delivery_failures": set(
            DeliveryFailure.objects.filter(consumer="probe").values_list("pk", flat=True)
        ),
        "inbox": set(InboxMessage.objects.filter(consumer="probe").values_list("pk", flat=True)),
        "outbox": set(OutboxMessage.objects.filter(type=PROBE).values_list("pk", flat=True)),
    }


@pytest.fixture
def rows(acme_and_globex) -> dict[str, dict[str, set[Any]]]:
    """Rows on either side of each default limit, in both shops and the platform."""
    acme, globex = acme_and_globex
    gone = {
        "audit": {
            entry(acme, NOW - 365 * DAY - TICK),
            entry(globex, NOW - 400 * DAY),
            entry(None, NOW - 365 * DAY - TICK),
        },
        "delivery_failures": {failure(DeliveryFailure.FAILED, NOW - 30 * DAY - TICK)},
        "inbox": {inbox(NOW - 30 * DAY - TICK), inbox(NOW - 90 * DAY)},
        "outbox": {outbox(NOW - 7 * DAY - TICK)},
    }
    kept = {
        "audit": {
            entry(acme, NOW - 365 * DAY),
            entry(globex, NOW - DAY),
            entry(None, NOW - 365 * DAY),
        },
        "delivery_failures": {
            failure(DeliveryFailure.FAILED, NOW - 30 * DAY),
            failure(DeliveryFailure.RETRYING, NOW - 400 * DAY),  # still being retried
        },
        "inbox": {inbox(NOW - 30 * DAY)},
        "outbox": {
            outbox(NOW - 7 * DAY),
            outbox(None, created_at=NOW - 400 * DAY),  # never published: never pruned
        },
    }
    return {"gone": gone, "kept": kept}


def test_the_defaults_are_documented_ones() -> None:
    assert settings.EMPORIUM_RETENTION_DAYS == DEFAULTS
    assert set(retention.retention_days()) == set(DEFAULTS)


def test_retention_deletes_what_is_past_its_days_and_keeps_the_boundary(rows) -> None:
    deleted = retention.apply_retention(now=NOW)

    assert deleted == {"audit": 3, "delivery_failures": 1, "inbox": 2, "outbox": 1}
    assert remaining() == rows["kept"]


def test_retention_days_are_configurable(rows, settings) -> None:
    settings.EMPORIUM_RETENTION_DAYS = {**DEFAULTS, "audit": 366, "inbox": 100}

    deleted = retention.apply_retention(now=NOW)

    # An audit entry 400 days old is past 366; those 365 days and a tick old are not.
    assert deleted == {"audit": 1, "delivery_failures": 1, "inbox": 0, "outbox": 1}
    assert remaining()["inbox"] == rows["gone"]["inbox"] | rows["kept"]["inbox"]
    assert len(remaining()["audit"]) == 5


@pytest.mark.parametrize(
    "days",
    [
        {**DEFAULTS, "audit": 0},
        {**DEFAULTS, "inbox": "30"},
        {**DEFAULTS, "outbox": 10**9},
        {"outbox": 7},
    ],
)
def test_a_bad_setting_is_refused_before_anything_is_deleted(rows, settings, days) -> None:
    settings.EMPORIUM_RETENTION_DAYS = days
    before = remaining()

    with pytest.raises(ImproperlyConfigured, match="EMPORIUM_RETENTION_DAYS"):
        retention.apply_retention(now=NOW)

    assert remaining() == before


@pytest.mark.parametrize(
    ("days", "rule"),
    [
        ({**DEFAULTS, "audit": 0}, "audit"),
        ({**DEFAULTS, "inbox": -30}, "inbox"),
        ({**DEFAULTS, "outbox": 10**9}, "outbox"),  # no date is that far back
        ({k: v for k, v in DEFAULTS.items() if k != "audit"}, "audit"),  # a rule without days
    ],
)
def test_a_bad_setting_fails_the_system_checks_at_startup(settings, days, rule: str) -> None:
    settings.EMPORIUM_RETENTION_DAYS = days

    errors = [m for m in run_checks() if m.id == "infrastructure.E001"]

    assert [m.msg for m in errors] == [
        f"EMPORIUM_RETENTION_DAYS[{rule!r}] must be a whole number of days from 1 to 36500."
    ]


def test_the_default_days_pass_the_system_checks() -> None:
    assert [m for m in run_checks() if m.id == "infrastructure.E001"] == []


def test_the_periodic_task_applies_retention(rows, monkeypatch) -> None:
    monkeypatch.setattr(retention.timezone, "now", lambda: NOW)

    result = retention_task.apply(throw=True).get()

    assert result == {"audit": 3, "delivery_failures": 1, "inbox": 2, "outbox": 1}
    assert remaining() == rows["kept"]


def test_run_periodic_runs_the_one_retention_task(rows, monkeypatch) -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["apply-retention"] == {
        "task": "infrastructure.apply_retention",
        "schedule": 86400.0,
    }
    assert "prune-outbox" not in schedule
    others = [name for name in schedule if name != "apply-retention"]
    monkeypatch.setattr(retention.timezone, "now", lambda: NOW)
    out = StringIO()

    call_command("run_periodic", "--once", *(f"--skip={name}" for name in others), stdout=out)

    assert out.getvalue() == "ran 1 periodic task: apply-retention\n"
    assert remaining() == rows["kept"]
