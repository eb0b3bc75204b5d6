"""Sign and verify requests between Emporium and the fulfilment service (ADR 0018).

``X-Service-Signature: v1=<hex HMAC-SHA256>`` of ``"{timestamp}\\n{METHOD}\\n{path with
query}\\n{tenant}\\n"`` followed by the body bytes, with the link's key; ``X-Service-Timestamp``
is Unix seconds and may be at most 300 s away from the verifier's clock.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-Service-Timestamp"
SIGNATURE_HEADER = "X-Service-Signature"
TENANT_HEADER = "X-Tenant"
#: How far a request's timestamp may be from the verifier's clock, either way.
MAX_SKEW_SECONDS = 300


def signature(key: str, timestamp: int, method: str, path: str, tenant: str, body: bytes) -> str:
    """Return the ``X-Service-Signature`` value of a request."""
    message = f"{timestamp}\n{method.upper()}\n{path}\n{tenant}\n".encode() + body
    return "v1=" + hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    key: str,
    method: str,
    path: str,
    tenant: str,
    body: bytes,
    now: float | None = None,
) -> dict[str, str]:
    """Return the headers that sign a request (and name its tenant, when it has one)."""
    if not key:
        raise ValueError("the link's key is empty: a request cannot be signed")
    timestamp = int(time.time() if now is None else now)
    headers = {
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(key, timestamp, method, path, tenant, body),
    }
    if tenant:
        headers[TENANT_HEADER] = tenant
    return headers


def verify(
    key: str,
    method: str,
    path: str,
    body: bytes,
    headers: Mapping[str, str],
    now: float | None = None,
) -> bool:
    """Return whether a received request carries a valid, fresh signature of ``key``.

    ``headers`` must look names up case-insensitively (Django's ``request.headers``, httpx's
    and ``http.server``'s headers do); the tenant signed is the request's own ``X-Tenant``.
    """
    stamp, given = headers.get(TIMESTAMP_HEADER), headers.get(SIGNATURE_HEADER)
    # Twelve digits reach the year 33658; a longer one is hostile (and int() of it expensive).
    if not key or not stamp or not given or len(stamp) > 12:
        return False
    if not stamp.isascii() or not stamp.isdigit():
        return False
    timestamp = int(stamp)
    if abs((time.time() if now is None else now) - timestamp) > MAX_SKEW_SECONDS:
        return False
    tenant = headers.get(TENANT_HEADER) or ""
    expected = signature(key, timestamp, method, path, tenant, body)
    return hmac.compare_digest(given.encode(), expected.encode())
