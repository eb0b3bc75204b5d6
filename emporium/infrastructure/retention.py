"""Retention: one periodic task deletes what has been kept long enough, across every tenant.

Each kind of row has a rule: a name (its key in ``settings.EMPORIUM_RETENTION_DAYS``) and a
function that deletes, across tenants and on the owner's connection (RLS), the rows older than a
cutoff and returns how many it deleted. Infrastructure's own rules (the published outbox, the
inbox, spent delivery failures) are registered below; a context registers its own from its
``AppConfig.ready`` (identity: the audit log), since infrastructure imports no context.
``apply_retention`` runs them all; the task ``infrastructure.apply_retention`` calls it daily.

A row exactly as old as its limit stays: only rows strictly older than ``now - days`` go.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from emporium.infrastructure.messaging.models import DeliveryFailure, InboxMessage
from emporium.infrastructure.messaging.relay import RELAY_DATABASE
from emporium.infrastructure.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

#: Deletes the rows of one kind older than the cutoff, across tenants; returns how many.
Prune = Callable[[datetime], int]


@dataclass(frozen=True)
class RetentionRule:
    name: str  # the key in settings.EMPORIUM_RETENTION_DAYS
    prune: Prune


_rules: dict[str, RetentionRule] = {}


def register_retention(name: str, prune: Prune) -> None:
    """Add the rule ``name``; registering the same function again is a no-op (``ready`` twice)."""
    known = _rules.get(name)
    if known is not None and known.prune is not prune:
        raise ImproperlyConfigured(f"The retention rule {name!r} is registered twice.")
    _rules[name] = RetentionRule(name, prune)


#: The longest a rule may keep rows: a hundred years (a cutoff further back is no date at all).
MAX_DAYS = 36_500


def retention_days() -> dict[str, int]:
    """Return the configured days of each rule; refuse a rule without a setting or a bad one."""
    configured: dict[str, int] = settings.EMPORIUM_RETENTION_DAYS
    days = {}
    for name in _rules:
        value = configured.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_DAYS:
            raise ImproperlyConfigured(
                f"EMPORIUM_RETENTION_DAYS[{name!r}] must be a whole number of days from 1 to "
                f"{MAX_DAYS}."
            )
        days[name] = value
    return days


@checks.register()
def check_retention_days(**kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse bad retention days when the process starts, not when the daily task first runs."""
    try:
        retention_days()
    except ImproperlyConfigured as exc:
        hint = "Set EMPORIUM_RETAIN_<RULE>_DAYS to a whole number of days (docs/API.md)."
        return [checks.Error(str(exc), hint=hint, id="infrastructure.E001")]
    return []


def apply_retention(now: datetime | None = None) -> dict[str, int]:
    """Delete what each rule no longer keeps; return how many rows of each were deleted."""
    now = now or timezone.now()
    deleted = {}
    for name, days in retention_days().items():
        deleted[name] = _rules[name].prune(now - timedelta(days=days))
    logger.info("retention applied", extra={"deleted": deleted})
    return deleted


def prune_outbox(before: datetime) -> int:
    """Outbox rows published before ``before`` (never unpublished ones)."""
    deleted, _ = (
        OutboxMessage.objects.using(RELAY_DATABASE)
        .filter(published_at__isnull=False, published_at__lt=before)
        .delete()
    )
    return deleted


def prune_inbox(before: datetime) -> int:
    """Inbox rows of events handled before ``before``."""
    deleted, _ = InboxMessage.objects.using(RELAY_DATABASE).filter(processed_at__lt=before).delete()
    return deleted


def prune_delivery_failures(before: datetime) -> int:
    """Failed deliveries whose retries are spent, last failed before ``before`` (never those
    still being retried)."""
    deleted, _ = (
        DeliveryFailure.objects.using(RELAY_DATABASE)
        .filter(status=DeliveryFailure.FAILED, last_failed_at__lt=before)
        .delete()
    )
    return deleted


register_retention("outbox", prune_outbox)
register_retention("inbox", prune_inbox)
register_retention("delivery_failures", prune_delivery_failures)
