"""``manage.py run_periodic``: run the beat schedule's tasks in this process, on their intervals.

For ``make run`` (``manage.py serve`` starts it) and small deployments without ``celery beat``:
the expiry sweep, the purge of idempotency keys, cache warming, the relay's retries and the
outbox's retention run all the same. Each task runs with ``apply()`` in this process, and the
tasks it sends run here too (eagerly), since no Celery worker need be running. A task that
raises is logged and runs again at its next time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from emporium.infrastructure.management.stopping import stop_on_signals

logger = logging.getLogger(__name__)


@dataclass
class Job:
    """One beat entry: its name, its task's name, its interval in seconds, when it is due next."""

    name: str
    task: str
    every: float
    due: float


def jobs_from(
    schedule: dict[str, dict[str, Any]], now: float, skip: Collection[str] = ()
) -> list[Job]:
    """Return one job per schedule entry not in ``skip``, each first due at once."""
    return [
        Job(name, entry["task"], float(entry["schedule"]), now)
        for name, entry in schedule.items()
        if name not in skip
    ]


def registered_tasks() -> set[str]:
    """Import every app's tasks module (as a worker does) and return the registered names."""
    current_app.loader.import_default_modules()
    return set(current_app.tasks)


def run_task(name: str) -> None:
    """Run the registered Celery task ``name`` in this process; raise what it raises."""
    current_app.tasks[name].apply(throw=True)


def run_due(jobs: list[Job], now: float, run: Callable[[str], object] = run_task) -> list[str]:
    """Run every job due at ``now``, schedule its next time; return the names of those run."""
    ran = []
    for job in jobs:
        if job.due > now:
            continue
        try:
            run(job.task)
        except Exception:
            logger.exception("periodic task %s failed", job.task)
        job.due = now + job.every
        ran.append(job.name)
    return ran


def tasks(count: int) -> str:
    """Return "1 periodic task" or "N periodic tasks"."""
    return f"{count} periodic task{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = "Run the tasks of CELERY_BEAT_SCHEDULE in this process, each on its interval."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run every task once and exit.")
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            metavar="NAME",
            help="Leave out this schedule entry (repeatable), e.g. relay-outbox beside a relay.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        schedule = settings.CELERY_BEAT_SCHEDULE
        unknown = sorted(set(options["skip"]) - set(schedule))
        if unknown:
            raise CommandError(f"no such schedule entry: {', '.join(unknown)}")
        jobs = jobs_from(schedule, time.monotonic(), skip=options["skip"])
        missing = sorted({job.task for job in jobs} - registered_tasks())
        if missing:
            raise CommandError(f"tasks not registered: {', '.join(missing)}")
        # What the tasks send (warming one tenant's cache) runs here: no worker need be running.
        current_app.conf.task_always_eager = True
        # A line per success every 2 s would bury the server's log; failures are logged below.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        if options["once"]:
            ran = run_due(jobs, time.monotonic())
            self.stdout.write(f"ran {tasks(len(ran))}: {', '.join(ran)}")
            return
        stop = threading.Event()
        with stop_on_signals(stop):
            self.stdout.write(f"running {tasks(len(jobs))}: {', '.join(j.name for j in jobs)}")
            while not stop.is_set() and jobs:
                run_due(jobs, time.monotonic())
                next_due = min(job.due for job in jobs)
                stop.wait(max(0.1, next_due - time.monotonic()))
            stop.wait()
