"""``run_periodic`` (beside ``manage.py serve``) runs the expiry sweep without a Celery beat."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from uuid import UUID

import pytest
from django.core.management import call_command
from django.utils import timezone

from emporium.multitenancy.context import tenant_context
from emporium.ordering.models import Order
from tests.order_streams import backdate_reservation

pytestmark = pytest.mark.django_db

#: Everything but the sweep: the relay would publish to a configured broker.
OTHERS = [
    "relay-outbox",
    "apply-retention",
    "warm-catalog-caches",
    "purge-idempotency-keys",
    "catch-up-projections",
    "check-fulfilment-instances",
]


def test_the_periodic_tasks_cancel_an_order_past_its_reservation(shop) -> None:
    due = shop.order("ann", ("mug", 3)).json()["id"]
    fresh = shop.order("bob", ("mug", 2)).json()["id"]
    with tenant_context(shop.acme):
        backdate_reservation(due, timezone.now() - timedelta(seconds=1))
    out = StringIO()

    call_command("run_periodic", "--once", *(f"--skip={name}" for name in OTHERS), stdout=out)

    assert out.getvalue() == "ran 1 periodic task: release-expired-reservations\n"
    with tenant_context(shop.acme):
        statuses = dict(Order.objects.values_list("id", "status"))
    assert statuses == {UUID(due): "cancelled", UUID(fresh): "confirmed"}
