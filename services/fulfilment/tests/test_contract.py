"""The contract: what the service consumes and publishes matches ``contracts/asyncapi.yaml``.

The file is the repository's (Emporium's side validates against the same one). A message is
found by its channel, whose ``address`` is the routing key and the envelope's ``type``, and is
checked to carry that ``name``; its ``payload`` is the schema of the whole envelope.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

from shipments.carrier import ship_due
from shipments.commands import CONSUMED_TYPES, SHIPMENT_DISPATCHED
from shipments.inbox import apply_envelope
from shipments.models import OutboxMessage
from tests import envelopes

CONTRACT = Path(__file__).resolve().parents[3] / "contracts" / "asyncapi.yaml"
BASE = "urn:emporium:asyncapi"
# AsyncAPI's own schema format is Draft 07; the file promises 2020-12 reads it alike.
DRAFTS = {
    "draft7": (jsonschema.Draft7Validator, DRAFT7),
    "draft2020-12": (jsonschema.Draft202012Validator, DRAFT202012),
}


@cache
def contract() -> dict[str, Any]:
    """Return the AsyncAPI document."""
    assert CONTRACT.is_file(), f"the contract {CONTRACT} is missing"
    return yaml.safe_load(CONTRACT.read_text(encoding="utf-8"))


def _resolve(node: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Return a node that may be a local ``$ref``, and its JSON pointer."""
    pointer = node["$ref"].removeprefix("#")
    target: Any = contract()
    for part in pointer.strip("/").split("/"):
        target = target[part.replace("~1", "/").replace("~0", "~")]
    return target, pointer


def message_pointer(event_type: str) -> str:
    """Return the JSON pointer of ``event_type``'s message, found by its channel's address."""
    channels = [c for c in contract()["channels"].values() if c.get("address") == event_type]
    assert len(channels) == 1, f"{event_type}: {len(channels)} channels with that address"
    messages = list(channels[0]["messages"].values())
    assert len(messages) == 1, f"{event_type}: the channel has {len(messages)} messages"
    message, pointer = _resolve(messages[0])
    assert message["name"] == event_type
    return pointer


def validator(event_type: str, draft: str = "draft7") -> jsonschema.Validator:
    """Return a validator of whole envelopes of ``event_type``."""
    cls, specification = DRAFTS[draft]
    resource = Resource.from_contents(contract(), default_specification=specification)
    registry = Registry().with_resource(BASE, resource)
    schema = {"$ref": f"{BASE}#{message_pointer(event_type)}/payload"}
    return cls(schema, registry=registry)


def as_json(envelope) -> dict[str, Any]:
    """Return the envelope exactly as it travels."""
    return json.loads(envelope.to_json())


CONSUMED_FIXTURES = {
    "ordering.fulfilment_requested": lambda: envelopes.fulfilment_requested(),
    "ordering.order_refunded (full)": lambda: envelopes.order_refunded(
        "5d1e8f7a-1111-4a2b-8c3d-000000000001", fully=True
    ),
    "ordering.order_refunded (partial)": lambda: envelopes.order_refunded(
        "5d1e8f7a-1111-4a2b-8c3d-000000000001", fully=False
    ),
    "identity.customer_erased": lambda: envelopes.customer_erased(envelopes.CUSTOMER),
    "tenancy.tenant_deleted": lambda: envelopes.tenant_deleted("acme"),
}


def test_every_type_the_service_uses_has_one_message_in_the_contract():
    for event_type in (*CONSUMED_TYPES, SHIPMENT_DISPATCHED):
        assert message_pointer(event_type) == f"/components/messages/{event_type}"


def test_the_fixtures_cover_every_consumed_type():
    assert {name.split(" ")[0] for name in CONSUMED_FIXTURES} == set(CONSUMED_TYPES)


@pytest.mark.parametrize("draft", DRAFTS)
@pytest.mark.parametrize("fixture", CONSUMED_FIXTURES)
def test_the_consumed_fixtures_match_the_contract(fixture, draft):
    envelope = CONSUMED_FIXTURES[fixture]()

    validator(envelope.type, draft).validate(as_json(envelope))


@pytest.mark.django_db
@pytest.mark.parametrize("draft", DRAFTS)
def test_every_envelope_the_outbox_produces_matches_the_contract(draft):
    for tenant in ("acme", "globex", "a-shop-9"):
        apply_envelope(envelopes.fulfilment_requested(tenant=tenant))
    ship_due()
    rows = list(OutboxMessage.objects.all())
    assert len(rows) == 3

    for row in rows:
        validator(row.type, draft).validate(as_json(row.to_envelope()))


@pytest.mark.django_db
def test_a_planted_change_of_the_dispatch_fails_the_contract():
    apply_envelope(envelopes.fulfilment_requested())
    ship_due()
    produced = as_json(OutboxMessage.objects.get().to_envelope())
    check = validator(SHIPMENT_DISPATCHED)
    check.validate(produced)

    plants = {
        "tracking_number dropped": lambda e: e["payload"].pop("tracking_number"),
        "a field added": lambda e: e["payload"].update(courier="x"),
        "shipped_at with an offset": lambda e: e["payload"].update(
            shipped_at=e["payload"]["shipped_at"].replace("Z", "+00:00")
        ),
        "order_id upper-case": lambda e: e["payload"].update(
            order_id=e["payload"]["order_id"].upper()
        ),
        "no tenant": lambda e: e.update(tenant=None),
        "aggregate_version 0": lambda e: e.update(aggregate_version=0),
    }
    for name, plant in plants.items():
        changed = copy.deepcopy(produced)
        plant(changed)
        assert not check.is_valid(changed), name


def test_a_planted_change_of_a_consumed_fixture_fails_the_contract():
    request = as_json(envelopes.fulfilment_requested())
    check = validator("ordering.fulfilment_requested")
    check.validate(request)

    without_address = copy.deepcopy(request)
    del without_address["payload"]["shipping_address"]
    bad_country = copy.deepcopy(request)
    bad_country["payload"]["shipping_address"]["country"] = "gb"

    assert not check.is_valid(without_address)
    assert not check.is_valid(bad_country)
