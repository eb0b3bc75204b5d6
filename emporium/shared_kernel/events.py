"""Domain events and the JSON envelope they travel in (API.md, "Integration events")."""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID, uuid4

# Fields every event carries; they travel in the envelope, not in the payload.
_ENVELOPE_FIELDS = frozenset({"aggregate_id", "aggregate_version", "event_id", "occurred_at"})


def snake_case(name: str) -> str:
    """Return ``name`` (``OrderPlaced``, ``SKUChanged``) in snake case."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def rfc3339(moment: datetime) -> str:
    """Return an aware instant as every API and event writes one: RFC 3339 in UTC with ``Z``.

    Microseconds are written when there are any (``2026-11-25T12:03:09.250000Z``).
    """
    if moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone")
    return moment.astimezone(UTC).isoformat().removesuffix("+00:00") + "Z"


def to_jsonable(value: Any) -> Any:
    """Return ``value`` as JSON-safe data; raise TypeError for a type JSON cannot carry."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if callable(getattr(value, "to_dict", None)):
        return to_jsonable(value.to_dict())
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, dict):
        items = {to_jsonable(key): to_jsonable(item) for key, item in value.items()}
        if not all(isinstance(key, str) for key in items):
            raise TypeError("event payload dict keys must serialize to strings")
        return items
    raise TypeError(f"{type(value).__name__} is not JSON-safe in an event payload")


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened to an aggregate, recorded with the version it produced."""

    #: Bounded context that publishes the event; each concrete subclass declares it.
    context: ClassVar[str]
    #: Wire name ``<context>.<snake_case(class name)>``; set a literal to survive a rename.
    type: ClassVar[str]
    #: Shape of the payload; raise it (with an upcaster for the old one) when the shape changes.
    schema_version: ClassVar[int] = 1

    aggregate_id: str
    aggregate_version: int
    event_id: UUID = field(default_factory=uuid4)
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "type" not in cls.__dict__ and hasattr(cls, "context"):
            cls.type = f"{cls.context}.{snake_case(cls.__name__)}"

    def __post_init__(self) -> None:
        if not getattr(self, "type", None):
            raise TypeError(f"{self.__class__.__name__} declares no context")
        if self.occurred_at.utcoffset() is None:
            raise ValueError("occurred_at must be timezone-aware")
        object.__setattr__(self, "occurred_at", self.occurred_at.astimezone(UTC))
        self.payload()  # An event that cannot be serialized fails where it is created.

    def payload(self) -> dict[str, Any]:
        """Return the subclass's own fields as JSON-safe data."""
        return {
            f.name: to_jsonable(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name not in _ENVELOPE_FIELDS
        }


@dataclass(frozen=True)
class EventEnvelope:
    """An event as other processes see it: the broker message body, an outbox row."""

    id: UUID
    type: str
    occurred_at: datetime
    tenant: str | None  # None for platform events that belong to no tenant.
    aggregate_id: str
    aggregate_version: int
    payload: dict[str, Any]

    @classmethod
    def wrap(cls, event: DomainEvent, tenant: str | None) -> EventEnvelope:
        """Return the envelope of ``event`` published on behalf of ``tenant``."""
        return cls(
            id=event.event_id,
            type=event.type,
            occurred_at=event.occurred_at,
            tenant=tenant,
            aggregate_id=event.aggregate_id,
            aggregate_version=event.aggregate_version,
            payload=event.payload(),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the envelope as JSON-safe data, keys in the order of the API contract."""
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
        """Return the compact UTF-8 JSON message body."""
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, body: str | bytes) -> EventEnvelope:
        """Parse a message body written by ``to_json``."""
        data = json.loads(body)
        return cls(
            id=UUID(data["id"]),
            type=data["type"],
            occurred_at=datetime.fromisoformat(data["occurred_at"]),
            tenant=data["tenant"],
            aggregate_id=data["aggregate_id"],
            aggregate_version=data["aggregate_version"],
            payload=data["payload"],
        )
