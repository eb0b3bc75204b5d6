"""Planner settings a read may ask for, for the rest of its transaction."""

from __future__ import annotations

from django.db import connections


def without_parallel_workers(using: str = "default") -> None:
    """Plan the rest of the current transaction's statements without parallel workers.

    For short reads of a few thousand rows: starting workers costs more than they save, and on
    a machine whose cores serve other requests they only queue (``SET LOCAL``; PostgreSQL only,
    nothing elsewhere). Call it inside a transaction.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
