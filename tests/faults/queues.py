"""The probe consumers' queues on the real broker: purge before a test, delete after."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from kombu import Connection
from kombu.entity import Queue


def reset(queue: Queue) -> None:
    """Declare ``queue`` (with its bindings, so published events reach it) and empty it."""
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        bound = queue(connection.default_channel)
        bound.declare()
        bound.purge()


def depth(queue: Queue) -> int:
    """Return how many ready messages ``queue`` holds."""
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        declared: Any = queue(connection.default_channel).queue_declare(passive=True)
        return int(declared.message_count)


def delete(*queues: Queue) -> None:
    """Delete ``queues`` from the broker (missing ones are fine)."""
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=5) as connection:
        for queue in queues:
            queue(connection.default_channel).delete()
