"""The JSON envelope every integration event travels in (Emporium's API.md), in plain Python."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

_FIELDS = ("id", "type", "occurred_at", "tenant", "aggregate_id", "aggregate_version", "payload")


class UnreadableEnvelope(ValueError):
    """A message body that is not an envelope: bad JSON, a missing or mistyped field."""


def rfc3339(moment: datetime) -> str:
    """Return an aware instant as RFC 3339 in UTC with ``Z`` (microseconds when there are any)."""
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone")
    return moment.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"


def parse_instant(text: str) -> datetime:
    """Return the aware instant an RFC 3339 string names; raise ValueError otherwise."""
    moment = datetime.fromisoformat(text)
    if moment.utcoffset() is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Envelope:
    """One integration event: the broker message body, the push endpoint's body, an outbox row."""

    id: UUID
    type: str
    occurred_at: datetime
    tenant: str | None
    aggregate_id: str
    aggregate_version: int
    payload: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return the envelope as JSON-safe data, keys in the contract's order."""
        return {
            "id": str(self.id),
            "type": self.type,
            "occurred_at": rfc3339(self.occurred_at),
            "tenant": self.tenant,
            "aggregate_id": self.aggregate_id,
            "aggregate_version": self.aggregate_version,
            "payload": self.payload,
        }

    def to_json(self) -> bytes:
        """Return the compact UTF-8 JSON body."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, body: str | bytes) -> Envelope:
        """Parse a body; raise UnreadableEnvelope when it is not a well-formed envelope."""
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            raise UnreadableEnvelope(f"not JSON: {error}") from error
        if not isinstance(data, dict):
            raise UnreadableEnvelope("the body is not a JSON object")
        missing = [name for name in _FIELDS if name not in data]
        if missing:
            raise UnreadableEnvelope(f"missing {', '.join(missing)}")
        try:
            envelope = cls(
                id=UUID(str(data["id"])),
                type=_text(data["type"], "type"),
                occurred_at=parse_instant(_text(data["occurred_at"], "occurred_at")),
                tenant=None if data["tenant"] is None else _text(data["tenant"], "tenant"),
                aggregate_id=_text(data["aggregate_id"], "aggregate_id"),
                aggregate_version=data["aggregate_version"],
                payload=data["payload"],
            )
        except ValueError as error:
            raise UnreadableEnvelope(str(error)) from error
        if type(envelope.aggregate_version) is not int:
            raise UnreadableEnvelope("aggregate_version is not an integer")
        if not isinstance(envelope.payload, dict):
            raise UnreadableEnvelope("payload is not an object")
        return envelope


def _text(value: object, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"{name} is not a non-empty string")
    return value
