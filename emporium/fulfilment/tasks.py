"""Celery tasks of the fulfilment link."""

from __future__ import annotations

from celery import shared_task

from emporium.fulfilment.bootstrap import check_instances


@shared_task(name="fulfilment.check_instances")
def check_instances_task() -> dict[str, bool]:
    """Health-check every instance of the service, taking the failing ones out of rotation."""
    return check_instances()
