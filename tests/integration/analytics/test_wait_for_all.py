"""Waiting for several projections at once, and reading their live generations."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction

from emporium.infrastructure.projections import runner
from emporium.infrastructure.projections.models import ProjectionState
from emporium.multitenancy.context import tenant_context
from tests.integration.analytics.conftest import Shops

pytestmark = pytest.mark.django_db(transaction=True)


def test_caught_up_only_when_every_projection_is(shops: Shops) -> None:
    with tenant_context(shops.acme), transaction.atomic():
        ProjectionState.objects.create(name="ahead", position=5, generation=2)
        ProjectionState.objects.create(name="level", position=3, generation=1)
    with tenant_context(shops.globex), transaction.atomic():
        ProjectionState.objects.create(name="never", position=9, generation=7)  # not acme's

    with tenant_context(shops.acme), transaction.atomic():
        assert runner.wait_for_all(("ahead", "level"), 3, timeout=0) == (
            True,
            {"ahead": 2, "level": 1},
        )
        began = time.monotonic()
        found = runner.wait_for_all(("ahead", "level", "never"), 3, timeout=0.1, poll=0.01)
        assert time.monotonic() - began >= 0.1
    # A projection that never ran is at position 0 and reads generation 1.
    assert found == (False, {"ahead": 2, "level": 1, "never": 1})


@pytest.mark.postgres  # SQLite's test database locks the table the waiting read holds
def test_returns_once_the_last_one_applies_the_position(shops: Shops) -> None:
    with tenant_context(shops.acme), transaction.atomic():
        ProjectionState.objects.create(name="ahead", position=5, generation=2)
        ProjectionState.objects.create(name="behind", position=1, generation=4)

    def catch_up() -> None:
        try:
            time.sleep(0.2)
            with tenant_context(shops.acme), transaction.atomic():
                ProjectionState.objects.filter(name="behind").update(position=5, generation=5)
        finally:
            connections.close_all()

    later = threading.Thread(target=catch_up)
    later.start()
    with tenant_context(shops.acme), transaction.atomic():
        found = runner.wait_for_all(("ahead", "behind"), 5, timeout=10, poll=0.01)
    later.join(timeout=10)
    assert found == (True, {"ahead": 2, "behind": 5})
