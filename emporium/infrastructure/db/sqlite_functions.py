"""Python functions that SQLite connections need for ``expressions`` and ``lookups``.

``install`` receives Django's ``connection_created`` signal (connected in the infrastructure
app's ``ready()``) and registers them, deterministic, on every new SQLite connection. Django
stores a datetime there as naive UTC text (``2026-03-29 01:30:00``), which is what the local
time functions take and, for ``emporium_local_hour``, return.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

EPOCH = date(1970, 1, 1).toordinal()


def unaccent(value: Any) -> Any:
    """Return ``value`` without its combining marks ("Crème" -> "Creme"), NFKD-decomposed."""
    if not isinstance(value, str):
        return value
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _local(value: str | None, zone: str) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(zone))


def local_date(value: str | None, zone: str) -> str | None:
    """Return the ISO date of the UTC text ``value`` on the wall clock of ``zone``."""
    local = _local(value, zone)
    return None if local is None else local.date().isoformat()


def local_day_number(value: str | None, zone: str) -> int | None:
    """Return the days from 1970-01-01 to the local date of ``value`` in ``zone``."""
    local = _local(value, zone)
    return None if local is None else local.date().toordinal() - EPOCH


def local_hour(value: str | None, zone: str) -> str | None:
    """Return, as UTC text, the instant at which the local hour of ``value`` began in ``zone``."""
    local = _local(value, zone)
    if local is None:
        return None
    # Subtract the time into the local hour from the instant, in UTC (aware arithmetic in one
    # zone is wall-clock arithmetic and would lose the offset of a repeated hour).
    wall = local.replace(tzinfo=None)
    into_hour = wall - wall.replace(minute=0, second=0, microsecond=0)
    start = local.astimezone(UTC) - into_hour
    return start.replace(tzinfo=None).isoformat(" ")


FUNCTIONS = {
    "unaccent": (1, unaccent),
    "emporium_local_date": (2, local_date),
    "emporium_local_day_number": (2, local_day_number),
    "emporium_local_hour": (2, local_hour),
}


def install(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Register ``FUNCTIONS`` on a new SQLite connection; other databases are left alone."""
    if connection.vendor != "sqlite":
        return
    for name, (arity, function) in FUNCTIONS.items():
        connection.connection.create_function(name, arity, function, deterministic=True)
