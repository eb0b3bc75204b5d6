"""The integration-event contract, ``contracts/asyncapi.yaml``, read the way its tests read it.

A message is found by routing key: ``channels[<routing key>]`` (its ``address`` is the same key)
holds one message under that key, whose ``payload`` is the schema of the whole envelope; the
envelope's ``payload`` property is the event's own schema. ``$ref``s are local JSON pointers and
are inlined here, so every schema handed out stands alone.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

CONTRACT_PATH = Path(__file__).resolve().parent.parent / "contracts" / "asyncapi.yaml"
#: ``x-status`` of a channel whose event is described before anyone publishes it.
PLANNED = "planned"
#: ``x-publisher`` values of the ``send`` operations.
EMPORIUM = "emporium"
FULFILMENT_SERVICE = "fulfilment-service"
#: The envelope's keys, in the order of API.md.
ENVELOPE_FIELDS = ("id", "type", "occurred_at", "tenant", "aggregate_id", "aggregate_version")


class ContractError(Exception):
    """The document itself is broken: a ``$ref`` that does not resolve, a missing channel."""


class ContractViolation(AssertionError):
    """An envelope does not match its message's schema; the message names every failing field."""


@functools.cache
def load_document(path: Path = CONTRACT_PATH) -> dict[str, Any]:
    """Return the document as parsed YAML, ``$ref``s untouched (cached: do not mutate it)."""
    with path.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict):
        raise ContractError(f"{path} is not a YAML mapping")
    return document


def pointer(document: Mapping[str, Any], ref: str) -> Any:
    """Return the node a local ``$ref`` (``#/components/schemas/Money``) points at."""
    if not ref.startswith("#/"):
        raise ContractError(f"{ref!r} is not a local reference")
    node: Any = document
    for raw in ref[2:].split("/"):
        part = raw.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, Mapping) or part not in node:
            raise ContractError(f"{ref!r} does not resolve (no {part!r})")
        node = node[part]
    return node


def resolve(node: Any, document: Mapping[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Return ``node`` with every ``$ref`` replaced, recursively, by what it points at."""
    if isinstance(node, Mapping):
        if "$ref" in node:
            ref = node["$ref"]
            if len(node) != 1:
                raise ContractError(f"{ref!r} has siblings {sorted(set(node) - {'$ref'})}")
            if ref in seen:
                raise ContractError(f"{ref!r} refers to itself through {' > '.join(seen)}")
            return resolve(pointer(document, ref), document, (*seen, ref))
        return {key: resolve(value, document, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(item, document, seen) for item in node]
    return node


def iter_refs(node: Any, path: str = "#") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yield ``(where, node)`` for every node of the raw document that holds a ``$ref``."""
    if isinstance(node, Mapping):
        if "$ref" in node:
            yield path, node
        for key, value in node.items():
            yield from iter_refs(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from iter_refs(item, f"{path}/{index}")


def _describe(error: ValidationError) -> Iterator[str]:
    yield f"{error.json_path}: {error.message}"
    # anyOf/oneOf: say why each branch failed, so that the failing field is named.
    for sub in sorted(error.context or (), key=lambda item: item.json_path):
        yield from _describe(sub)


class Contract:
    """The document, with its messages looked up by routing key and envelopes checked."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.channels: Mapping[str, Any] = document.get("channels") or {}
        self.operations: Mapping[str, Any] = document.get("operations") or {}
        self._validators: dict[str, Draft202012Validator] = {}

    # --- lookup -----------------------------------------------------------------------------

    def channel(self, routing_key: str) -> Mapping[str, Any]:
        """Return the raw channel of ``routing_key``; ContractError if there is none."""
        channel = self.channels.get(routing_key)
        if channel is None:
            raise ContractError(f"{routing_key!r} has no channel in {CONTRACT_PATH.name}")
        return channel

    def message(self, routing_key: str) -> dict[str, Any]:
        """Return the message of ``routing_key``, every ``$ref`` inlined."""
        messages = self.channel(routing_key).get("messages") or {}
        if routing_key not in messages:
            raise ContractError(f"channel {routing_key!r} has no message {routing_key!r}")
        message: dict[str, Any] = resolve(messages[routing_key], self.document)
        return message

    def envelope_schema(self, routing_key: str) -> dict[str, Any]:
        """Return the schema of the whole message body (the envelope) of ``routing_key``."""
        schema: dict[str, Any] = self.message(routing_key)["payload"]
        return schema

    def payload_schema(self, routing_key: str) -> dict[str, Any]:
        """Return the schema of the event's own payload (the envelope's ``payload``)."""
        schema: dict[str, Any] = self.envelope_schema(routing_key)["properties"]["payload"]
        return schema

    def schema_version(self, routing_key: str) -> int:
        """Return the message's ``x-schema-version``."""
        return int(self.message(routing_key)["x-schema-version"])

    def is_planned(self, routing_key: str) -> bool:
        """Return whether the event is described ahead of any publisher."""
        return self.channel(routing_key).get("x-status") == PLANNED

    def send_operations(self, routing_key: str) -> list[Mapping[str, Any]]:
        """Return the ``send`` operations on the channel of ``routing_key``."""
        target = f"#/channels/{routing_key}"
        return [
            operation
            for operation in self.operations.values()
            if operation.get("action") == "send"
            and (operation.get("channel") or {}).get("$ref") == target
        ]

    def publisher(self, routing_key: str) -> str:
        """Return who publishes ``routing_key`` (``x-publisher`` of its one send operation)."""
        [operation] = self.send_operations(routing_key)
        return str(operation["x-publisher"])

    def event_types(self, *, planned: bool = False, publisher: str | None = None) -> set[str]:
        """Return the routing keys described: published ones, or with ``planned`` the planned."""
        return {
            key
            for key in self.channels
            if self.is_planned(key) is planned
            and (publisher is None or self.publisher(key) == publisher)
        }

    # --- validation -------------------------------------------------------------------------

    def validator(self, routing_key: str) -> Draft202012Validator:
        """Return a Draft 2020-12 validator, formats checked, of ``routing_key``'s envelope."""
        if routing_key not in self._validators:
            self._validators[routing_key] = Draft202012Validator(
                self.envelope_schema(routing_key),
                format_checker=Draft202012Validator.FORMAT_CHECKER,
            )
        return self._validators[routing_key]

    def errors(self, envelope: Mapping[str, Any]) -> list[str]:
        """Return what is wrong with ``envelope`` (an ``EventEnvelope.to_dict()``), by JSON path."""
        event_type = envelope.get("type")
        if not isinstance(event_type, str) or event_type not in self.channels:
            return [f"$.type: {event_type!r} has no channel in {CONTRACT_PATH.name}"]
        found = self.validator(event_type).iter_errors(dict(envelope))
        return [
            line
            for error in sorted(found, key=lambda item: item.json_path)
            for line in _describe(error)
        ]

    def check(self, envelope: Mapping[str, Any]) -> None:
        """Raise ContractViolation, naming every failing field, unless ``envelope`` matches."""
        errors = self.errors(envelope)
        if errors:
            raise ContractViolation(
                f"{envelope.get('type')} {envelope.get('id')} breaks the contract:\n  "
                + "\n  ".join(errors)
            )


@functools.cache
def contract() -> Contract:
    """Return the project's contract (cached)."""
    return Contract(load_document())


def emporium_event_classes() -> list[type[Any]]:
    """Return every concrete DomainEvent class of Emporium's contexts, by wire name.

    Each context's ``domain/events.py`` is imported, then ``DomainEvent``'s subclasses are
    walked; abstract intermediates (no ``type``, like ``StockMoved``) and classes defined
    outside ``emporium`` (the test apps' probes) are left out.
    """
    import emporium
    from emporium.shared_kernel.events import DomainEvent

    root = Path(emporium.__file__).resolve().parent
    for module in sorted(root.glob("*/domain/events.py")):
        importlib.import_module(f"emporium.{module.parent.parent.name}.domain.events")

    found: dict[str, type[Any]] = {}
    pending = list(DomainEvent.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        event_type = getattr(cls, "type", None)
        if event_type and cls.__module__.startswith("emporium."):
            if event_type in found and found[event_type] is not cls:
                raise ContractError(f"{event_type} is the type of two classes")
            found[event_type] = cls
    return [found[name] for name in sorted(found)]
