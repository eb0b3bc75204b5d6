"""Planner settings for the rest of a transaction."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from emporium.infrastructure.db.planner import without_parallel_workers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def workers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return str(cursor.fetchone()[0])


def test_without_parallel_workers_holds_until_the_transaction_ends() -> None:
    default = workers()
    assert default != "0"
    with transaction.atomic():
        without_parallel_workers()
        assert workers() == "0"
        with transaction.atomic():  # a savepoint keeps it
            assert workers() == "0"
    assert workers() == default
