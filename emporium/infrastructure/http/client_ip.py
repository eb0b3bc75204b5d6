"""The address a request came from, as every part of the platform reads it.

Behind ``NUM_PROXIES`` proxies (``EMPORIUM_TRUSTED_PROXIES``) that each append to
``X-Forwarded-For``, the client's address is the entry the outermost trusted proxy appended: the
``NUM_PROXIES``-th from the right. Entries further left are whatever the client sent. With 0 (the
default) the header is ignored and the connection's address is the client's. This is DRF's
``get_ident`` rule: the throttles and the audit log agree on who asked.
"""

from __future__ import annotations

from ipaddress import ip_address
from typing import Any

from rest_framework.settings import api_settings


def client_ident(request: Any) -> str:
    """Return the client's address as DRF's throttles read it (Django's or DRF's request)."""
    meta = request.META
    forwarded = meta.get("HTTP_X_FORWARDED_FOR")
    remote = str(meta.get("REMOTE_ADDR") or "")
    proxies = api_settings.NUM_PROXIES
    if proxies is not None:
        if proxies == 0 or forwarded is None:
            return remote
        addresses = forwarded.split(",")
        return str(addresses[-min(proxies, len(addresses))].strip())
    return "".join(forwarded.split()) if forwarded else remote


def client_ip(request: Any) -> str | None:
    """Return the client's address (``client_ident``) if it is an IP address, else ``None``."""
    try:
        return str(ip_address(client_ident(request)))
    except ValueError:  # a misconfigured proxy's entry, or no address at all
        return None
