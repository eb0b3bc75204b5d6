"""Signing of the requests between Emporium and the service (ADR 0018), in plain Python."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-Service-Timestamp"
SIGNATURE_HEADER = "X-Service-Signature"
TENANT_HEADER = "X-Tenant"
#: Seconds a timestamp may be away from our clock, either way.
MAX_SKEW = 300
#: Digits a timestamp may have: Unix seconds need 10 until 2286. A longer one is refused before
#: it is read as a number (thousands of digits overflow a float or exceed ``int``'s limit).
MAX_TIMESTAMP_DIGITS = 12


def signature(
    key: str, timestamp: str, method: str, path: str, tenant: str, body: bytes = b""
) -> str:
    """Return ``v1=<hex>`` for a request; ``path`` includes the query string, if any."""
    message = f"{timestamp}\n{method.upper()}\n{path}\n{tenant}\n".encode() + body
    return "v1=" + hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    key: str,
    method: str,
    path: str,
    tenant: str | None = None,
    body: bytes = b"",
    now: float | None = None,
) -> dict[str, str]:
    """Return the headers that sign a request (with ``X-Tenant`` when there is a tenant)."""
    timestamp = str(int(time.time() if now is None else now))
    headers = {
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(key, timestamp, method, path, tenant or "", body),
    }
    if tenant:
        headers[TENANT_HEADER] = tenant
    return headers


def verify(
    key: str,
    headers: Mapping[str, str],
    method: str,
    path: str,
    body: bytes,
    now: float | None = None,
) -> bool:
    """Return whether ``headers`` sign this request with ``key`` at a timestamp close enough."""
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    given = headers.get(SIGNATURE_HEADER, "")
    if not given or not _plain_digits(timestamp):
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > MAX_SKEW:
        return False
    tenant = headers.get(TENANT_HEADER, "")
    expected = signature(key, timestamp, method, path, tenant, body)
    return hmac.compare_digest(expected.encode(), given.encode())


def _plain_digits(text: str) -> bool:
    """Return whether ``text`` is 1 to MAX_TIMESTAMP_DIGITS ASCII digits."""
    return 0 < len(text) <= MAX_TIMESTAMP_DIGITS and text.isascii() and text.isdigit()
