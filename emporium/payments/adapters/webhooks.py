"""Signed webhooks of payment providers (API.md "Webhooks").

A provider posts an event to ``/api/v1/webhooks/payments/{provider}/`` under the tenant it
concerns, signed with that tenant's webhook secret::

    X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">

A missing, malformed or wrong signature, or a ``t`` more than five minutes away from now, is
refused (401) before the body is even parsed, and nothing changes. The body of a verified
event is ``{"id": "<event id>", "type": "<event type>", "data": {...}}``; it is applied once
per (provider, event id): a repeat answers 200 ``duplicate`` and changes nothing.

What an event does is the use case ``application/apply_webhook.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from emporium.payments.application.apply_webhook import ProviderEvent
from emporium.shared_kernel.errors import InvalidInput

#: Seconds a signature's timestamp may be away from now, either way.
TOLERANCE = 300


class InvalidSignature(Exception):
    """The webhook's signature is missing, malformed, wrong or out of tolerance."""


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of ``"<timestamp>.<body>"`` under ``secret``."""
    message = str(timestamp).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """Return the ``X-Signature`` value a provider sends for ``body`` at ``timestamp``."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def parse_signature_header(header: str | None) -> tuple[int, list[str]]:
    """Return the header's timestamp and its ``v1`` signatures; raise ``InvalidSignature``."""
    if not header:
        raise InvalidSignature("The X-Signature header is missing.")
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise InvalidSignature("The X-Signature header is malformed.")
        if key == "t":
            if timestamp is not None or not (value.isascii() and value.isdigit()):
                raise InvalidSignature("The X-Signature header is malformed.")
            timestamp = int(value)
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not signatures:
        raise InvalidSignature("The X-Signature header is malformed.")
    return timestamp, signatures


def verify(
    header: str | None, body: bytes, secret: str, now: float, tolerance: int = TOLERANCE
) -> None:
    """Return if ``header`` signs ``body`` with ``secret`` within ``tolerance`` of ``now``."""
    timestamp, signatures = parse_signature_header(header)
    if abs(now - timestamp) > tolerance:
        raise InvalidSignature("The X-Signature timestamp is too far from now.")
    if not secret:
        raise InvalidSignature("The X-Signature does not match.")
    expected = signature(secret, timestamp, body)
    # Compare every candidate in constant time; no early exit on the first mismatch.
    matched = False
    for candidate in signatures:
        matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise InvalidSignature("The X-Signature does not match.")


def parse_event(body: bytes) -> ProviderEvent:
    """Return the event in a verified body; raise ``InvalidInput`` if it is not one."""
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # Recursion: nested too deeply
        raise InvalidInput("The event is not JSON.", errors={"body": ["Not JSON."]}) from None
    errors: dict[str, list[str]] = {}
    if not isinstance(document, dict):
        raise InvalidInput("The event must be a JSON object.", errors={"body": ["Not an object."]})
    event_id, event_type = document.get("id"), document.get("type")
    data = document.get("data", {})
    if not isinstance(event_id, str) or not event_id or len(event_id) > 200 or "\x00" in event_id:
        errors["id"] = ["Give the event id (1 to 200 characters, no NUL)."]
    if not isinstance(event_type, str) or not event_type or len(event_type) > 100:
        errors["type"] = ["Give the event type."]
    if not isinstance(data, dict):
        errors["data"] = ["The event data must be an object."]
    if errors:
        raise InvalidInput("The event is invalid.", errors=errors)
    assert isinstance(event_id, str)
    assert isinstance(event_type, str)
    assert isinstance(data, dict)
    return ProviderEvent(event_id, event_type, data)
