"""The document describes exactly the events the code defines, with their fields and versions.

A new DomainEvent subclass without a channel, a field added or renamed without the document, or
a ``schema_version`` raised without it fails here, before any flow runs.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.contracts_support import (
    EMPORIUM,
    FULFILMENT_SERVICE,
    contract,
    emporium_event_classes,
)

#: Published by the fulfilment service (services/fulfilment), not by a class of Emporium's.
SERVICE_EVENTS = {"fulfilment.shipment_dispatched"}
#: Fields of every DomainEvent that travel in the envelope, not in the payload.
ENVELOPE_ATTRIBUTES = {"aggregate_id", "aggregate_version", "event_id", "occurred_at"}

CLASSES = emporium_event_classes()


def describe(difference: set[str]) -> str:
    return ", ".join(sorted(difference)) or "none"


def test_the_walk_finds_the_events_of_every_context() -> None:
    contexts = {cls.type.split(".")[0] for cls in CLASSES}

    assert {"catalog", "identity", "inventory", "ordering", "payments", "tenancy"} <= contexts
    assert "inventory.stock_moved" not in {cls.type for cls in CLASSES}  # abstract, no type


def test_the_published_events_of_the_document_are_the_code_s_and_the_service_s() -> None:
    in_code = {cls.type for cls in CLASSES}
    documented = contract().event_types()

    assert documented == in_code | SERVICE_EVENTS, (
        f"defined in code but not in contracts/asyncapi.yaml: {describe(in_code - documented)}; "
        f"in the document but defined nowhere: {describe(documented - in_code - SERVICE_EVENTS)}"
    )


def test_each_event_is_sent_by_the_process_that_publishes_it() -> None:
    events = contract()

    assert events.event_types(publisher=EMPORIUM) == {cls.type for cls in CLASSES}
    assert events.event_types(publisher=FULFILMENT_SERVICE) == SERVICE_EVENTS


def test_planned_events_are_not_published_by_the_code_yet() -> None:
    planned = contract().event_types(planned=True)
    in_code = {cls.type for cls in CLASSES}

    assert planned == set()
    assert not planned & in_code, (
        f"{describe(planned & in_code)} is published now: drop its x-status: planned"
    )


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.type)
def test_the_payload_schema_lists_exactly_the_event_s_fields(cls: type) -> None:
    fields = {f.name for f in dataclasses.fields(cls)} - ENVELOPE_ATTRIBUTES
    schema = contract().payload_schema(cls.type)

    assert set(schema["properties"]) == fields, (
        f"{cls.__name__}: only in code {describe(fields - set(schema['properties']))}; "
        f"only in the document {describe(set(schema['properties']) - fields)}"
    )


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.type)
def test_the_message_carries_the_event_s_schema_version(cls: type) -> None:
    assert contract().schema_version(cls.type) == cls.schema_version, (
        f"{cls.__name__}.schema_version is {cls.schema_version}: change the payload schema and "
        "its x-schema-version together"
    )
