"""contracts/asyncapi.yaml is an AsyncAPI 3 document whose every message schema is JSON Schema."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

from tests.contracts_support import (
    EMPORIUM,
    ENVELOPE_FIELDS,
    FULFILMENT_SERVICE,
    PLANNED,
    contract,
    iter_refs,
    load_document,
    pointer,
    resolve,
)

ROUTING_KEY = re.compile(r"^[a-z]+\.[a-z]+(?:_[a-z]+)*$")
ROUTING_KEYS = sorted(load_document()["channels"])


def object_schemas(schema: Any, path: str = "$") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yield ``(path, schema)`` for every schema with ``properties`` inside a resolved schema."""
    if isinstance(schema, Mapping):
        if "properties" in schema:
            yield path, schema
        for key, value in schema.items():
            yield from object_schemas(value, f"{path}/{key}")
    elif isinstance(schema, list):
        for index, item in enumerate(schema):
            yield from object_schemas(item, f"{path}/{index}")


def test_the_document_is_asyncapi_3_on_a_rabbitmq_server() -> None:
    document = load_document()

    assert document["asyncapi"] == "3.0.0"
    assert document["info"]["title"]
    assert document["info"]["version"]
    assert document["defaultContentType"] == "application/json"
    assert document["servers"]["rabbitmq"]["protocol"] == "amqp"
    assert set(document) <= {
        "asyncapi",
        "id",
        "info",
        "servers",
        "defaultContentType",
        "channels",
        "operations",
        "components",
    }


def test_every_ref_is_a_local_pointer_that_resolves_and_stands_alone() -> None:
    document = load_document()
    refs = list(iter_refs(document))

    assert refs
    for where, node in refs:
        assert set(node) == {"$ref"}, f"{where}: $ref has siblings (Draft 07 would ignore them)"
        assert node["$ref"].startswith("#/"), f"{where}: {node['$ref']} is not local"
        pointer(document, node["$ref"])  # raises ContractError naming the reference
    resolve(document, document)  # and no reference loops


@pytest.mark.parametrize("routing_key", ROUTING_KEYS)
def test_each_channel_is_one_routing_key_on_the_events_exchange(routing_key: str) -> None:
    document = load_document()
    channel = document["channels"][routing_key]

    assert ROUTING_KEY.match(routing_key), "routing keys are <context>.<event> in snake case"
    assert channel["address"] == routing_key
    assert list(channel["messages"]) == [routing_key]
    assert channel.get("x-status", PLANNED) == PLANNED
    binding = resolve(channel["bindings"], document)["amqp"]
    assert binding["is"] == "routingKey"
    assert binding["exchange"]["name"] == "emporium.events"
    assert binding["exchange"]["type"] == "topic"
    assert binding["exchange"]["durable"] is True


@pytest.mark.parametrize("routing_key", ROUTING_KEYS)
def test_each_channel_has_one_send_operation_naming_its_publisher(routing_key: str) -> None:
    events = contract()

    [operation] = events.send_operations(routing_key)

    assert operation["x-publisher"] in {EMPORIUM, FULFILMENT_SERVICE}
    assert operation["description"]
    assert operation["messages"] == [{"$ref": f"#/channels/{routing_key}/messages/{routing_key}"}]
    assert resolve(operation["bindings"], events.document)["amqp"]["deliveryMode"] == 2


def test_every_operation_sends_or_receives_on_a_channel_of_the_document() -> None:
    document = load_document()

    for name, operation in document["operations"].items():
        assert operation["action"] in {"send", "receive"}, name
        channel_ref = operation["channel"]["$ref"]
        assert channel_ref.startswith("#/channels/"), name
        pointer(document, channel_ref)
        for message in operation.get("messages", []):
            # AsyncAPI 3: an operation's messages are messages of its own channel.
            assert message["$ref"].startswith(f"{channel_ref}/messages/"), name
            pointer(document, message["$ref"])


@pytest.mark.parametrize("routing_key", ROUTING_KEYS)
def test_each_message_is_a_json_envelope_whose_type_is_its_routing_key(routing_key: str) -> None:
    message = contract().message(routing_key)
    envelope = message["payload"]

    assert message["name"] == routing_key
    assert message["contentType"] == "application/json"
    assert isinstance(message["x-schema-version"], int)
    assert message["x-schema-version"] >= 1
    assert envelope["type"] == "object"
    assert envelope["additionalProperties"] is False
    assert list(envelope["required"]) == [*ENVELOPE_FIELDS, "payload"]
    assert list(envelope["properties"]) == [*ENVELOPE_FIELDS, "payload"]
    assert envelope["properties"]["type"] == {"const": routing_key}
    version = envelope["properties"]["aggregate_version"]
    assert (version["type"], version["minimum"]) == ("integer", 1)


@pytest.mark.parametrize("routing_key", ROUTING_KEYS)
def test_each_envelope_schema_is_valid_json_schema_draft_2020_12_and_07(routing_key: str) -> None:
    schema = contract().envelope_schema(routing_key)

    Draft202012Validator.check_schema(schema)
    # AsyncAPI's own schema format is a superset of Draft 07: the same schema must read alike.
    Draft7Validator.check_schema(schema)


@pytest.mark.parametrize("routing_key", ROUTING_KEYS)
def test_every_object_of_a_payload_is_closed_and_requires_every_field(routing_key: str) -> None:
    payload = contract().payload_schema(routing_key)

    assert payload["type"] == "object"
    objects = list(object_schemas(payload))
    assert objects
    for path, schema in objects:
        assert schema.get("additionalProperties") is False, f"{path} allows other fields"
        assert sorted(schema.get("required", [])) == sorted(schema["properties"]), (
            f"{path} does not require every field it lists"
        )
