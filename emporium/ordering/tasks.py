"""Celery tasks of the ordering context."""

from __future__ import annotations

from celery import shared_task

from emporium.ordering.bootstrap import release_expired_reservations


@shared_task(name="ordering.release_expired_reservations")
def release_expired_reservations_task() -> int:
    """Cancel unpaid orders past their reservation, across tenants (a platform task)."""
    return release_expired_reservations()
