"""Where the services run: a list from the settings, or a JSON file that deployment writes.

Another source (DNS SRV records, Consul) is one more class with ``instances(service)``, chosen
in ``bootstrap``; nothing else changes.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

from emporium.fulfilment.application.ports import ServiceInstance


def instance_at(url: str) -> ServiceInstance:
    """Return the instance at base URL ``url``; its id is the URL, the same in every process."""
    base = url.strip().rstrip("/")
    parts = urlsplit(base)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"not an http(s) base URL: {url!r}")
    return ServiceInstance(id=base, url=base)


class StaticRegistry:
    """A fixed list of base URLs per service (``FULFILMENT_SERVICE_URLS``)."""

    def __init__(self, services: Mapping[str, Iterable[str]]) -> None:
        self._services = {
            name: [instance_at(url) for url in urls] for name, urls in services.items()
        }

    def instances(self, service: str) -> list[ServiceInstance]:
        return list(self._services.get(service, []))


class JsonFileRegistry:
    """``{"fulfilment": ["http://127.0.0.1:8100", ...]}`` in a file, read again once changed.

    A file that cannot be read or parsed keeps the last good list (none before the first), so
    a deployment rewriting it never leaves a moment without instances.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._services: dict[str, list[ServiceInstance]] = {}

    def instances(self, service: str) -> list[ServiceInstance]:
        self._reload_if_changed()
        return list(self._services.get(service, []))

    def _reload_if_changed(self) -> None:
        try:
            stat = os.stat(self.path)
        except OSError:
            return
        version = (stat.st_mtime_ns, stat.st_size)
        if version == self._seen:
            return
        with self._lock:
            if version == self._seen:
                return
            try:
                document = json.loads(self.path.read_text())
                services = {
                    str(name): [instance_at(url) for url in urls] for name, urls in document.items()
                }
            except (OSError, ValueError, TypeError, AttributeError):
                return  # half-written or wrong: keep the last good list, try again next call
            self._services, self._seen = services, version
