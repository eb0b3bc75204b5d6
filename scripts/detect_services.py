#!/usr/bin/env python3
"""Print shell ``export`` lines that point the test suite at the local services that answer.

A URL already in the environment is kept. A service that is not configured and does not answer
on its default local port is left out (its tests are skipped), unless EMPORIUM_REQUIRE_SERVICES=1,
in which case this exits 1 naming it.

Services can also be left out on purpose, even when they answer: EMPORIUM_EMBEDDED=1 leaves out
all of them (SQLite, local-memory cache, eager tasks: what ``make run`` uses with no
environment), and EMPORIUM_SERVICES=postgres,redis uses only the services it names (``none``
for none). A left-out service's variables are exported empty, whatever the environment says,
and EMPORIUM_LEFT_OUT_SERVICES names them for the test run's banner.
"""

from __future__ import annotations

import os
import shlex
import socket
import sys
from collections.abc import Mapping
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"postgres": 5432, "redis": 6379, "rabbitmq": 5672}
SERVICES = tuple(DEFAULT_PORTS)


class ChoiceError(ValueError):
    """The environment asks for services in a way that cannot be honoured."""


def answers(url: str, default_port: int) -> bool:
    """Return whether a TCP connection to the URL's host and port succeeds within 2 s."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or default_port
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def test_database(url: str) -> str:
    """Return ``url`` pointed at ``<its database>_test``, so tests never touch a real database."""
    parts = urlsplit(url)
    name = parts.path.strip("/")
    if not name or name == "postgres" or name.endswith("_test"):
        return url
    return urlunsplit(parts._replace(path=f"/{name}_test"))


def chosen_services(env: Mapping[str, str]) -> tuple[list[str], str]:
    """Return the services the run may use, in order, and the switch that left others out.

    The switch is ``""`` when none was set (every service is used where it answers).
    """
    if env.get("EMPORIUM_EMBEDDED", "") not in ("", "0"):
        return [], "EMPORIUM_EMBEDDED=1"
    listed = env.get("EMPORIUM_SERVICES", "").strip()
    if not listed:
        return list(SERVICES), ""
    names = {name.strip().lower() for name in listed.split(",") if name.strip()}
    switch = f"EMPORIUM_SERVICES={listed}"
    if names == {"none"}:
        return [], switch
    unknown = sorted(names - set(SERVICES))
    if unknown:
        raise ChoiceError(
            f"EMPORIUM_SERVICES names {', '.join(unknown)}; "
            f"it takes a comma-separated list of {', '.join(SERVICES)}, or none"
        )
    return [service for service in SERVICES if service in names], switch


def exports_for(
    database: str, env: Mapping[str, str], reachable: dict[str, bool] | None = None
) -> dict[str, str]:
    """Return the variables to export; ``reachable`` replaces the port probe (for tests)."""
    chosen, switch = chosen_services(env)
    wanted = {
        "postgres": {
            "DATABASE_BOOTSTRAP_URL": "postgres://postgres@127.0.0.1:5432/postgres",
            "DATABASE_ADMIN_URL": f"postgres://emporium_owner@127.0.0.1:5432/{database}",
            "DATABASE_URL": f"postgres://emporium_app@127.0.0.1:5432/{database}",
        },
        "redis": {"REDIS_URL": "redis://127.0.0.1:6379/1"},
        "rabbitmq": {"CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//"},
    }
    exports: dict[str, str] = {}
    missing: list[str] = []
    left_out: list[str] = []
    for service, variables in wanted.items():
        main_variable = list(variables)[-1]
        url = env.get(main_variable) or variables[main_variable]
        if service not in chosen:
            left_out.append(service)
            usable = False
        else:
            if reachable is not None:
                usable = reachable.get(service, False)
            else:
                usable = answers(url, DEFAULT_PORTS[service])
            if not usable:
                missing.append(service)
        for name, default in variables.items():
            value = (env.get(name) or default) if usable else ""
            exports[name] = test_database(value) if usable and service == "postgres" else value
    if env.get("EMPORIUM_REQUIRE_SERVICES") == "1":
        if left_out:
            raise ChoiceError(
                f"EMPORIUM_REQUIRE_SERVICES=1 needs every service, but {switch} leaves out "
                f"{', '.join(left_out)}"
            )
        if missing:
            raise ChoiceError(f"required services unreachable: {', '.join(missing)}")
    exports["EMPORIUM_MISSING_SERVICES"] = ",".join(missing)
    exports["EMPORIUM_LEFT_OUT_SERVICES"] = f"{','.join(left_out)} ({switch})" if left_out else ""
    return exports


def main() -> int:
    database = sys.argv[1] if len(sys.argv) > 1 else "emporium_test"
    try:
        exports = exports_for(database, os.environ)
    except ChoiceError as error:
        print(error, file=sys.stderr)
        return 1
    for name, value in exports.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
