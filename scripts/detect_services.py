#!/usr/bin/env python3
"""Print shell ``export`` lines that point the test suite at the local services that answer.

A URL already in the environment is kept. A service that is not configured and does not answer
on its default local port is left out (its tests are skipped), unless EMPORIUM_REQUIRE_SERVICES=1,
in which case this exits 1 naming it.
"""

from __future__ import annotations

import os
import shlex
import socket
import sys
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"postgres": 5432, "redis": 6379, "rabbitmq": 5672}


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


def main() -> int:
    database = sys.argv[1] if len(sys.argv) > 1 else "emporium_test"
    env = os.environ
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
    for service, variables in wanted.items():
        main_variable = list(variables)[-1]
        url = env.get(main_variable) or variables[main_variable]
        if answers(url, DEFAULT_PORTS[service]):
            for name, default in variables.items():
                value = env.get(name) or default
                exports[name] = test_database(value) if service == "postgres" else value
        else:
            missing.append(service)
            for name in variables:
                exports[name] = ""
    if missing and env.get("EMPORIUM_REQUIRE_SERVICES") == "1":
        print(f"required services unreachable: {', '.join(missing)}", file=sys.stderr)
        return 1
    exports["EMPORIUM_MISSING_SERVICES"] = ",".join(missing)
    for name, value in exports.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
