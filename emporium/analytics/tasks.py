"""Celery tasks of the analytics context."""

from __future__ import annotations

from celery import shared_task

from emporium.analytics.bootstrap import catch_up_every_tenant


@shared_task(name="analytics.catch_up_projections")
def catch_up_projections_task() -> int:
    """Bring every tenant's projections up to its last event (a platform task)."""
    return catch_up_every_tenant()
