"""The envelope: read strictly, written in the contract's shape."""

import json
import uuid
from datetime import UTC, datetime

import pytest

from shipments.envelope import Envelope, UnreadableEnvelope, rfc3339

ENVELOPE = {
    "id": "0f8b7f2e-3c1a-4e57-9d0c-1a2b3c4d5e6f",
    "type": "ordering.fulfilment_requested",
    "occurred_at": "2026-12-03T10:15:30.250000Z",
    "tenant": "acme",
    "aggregate_id": "5d1e8f7a-1111-4a2b-8c3d-000000000001",
    "aggregate_version": 3,
    "payload": {"customer_id": "c"},
}


def test_round_trip_keeps_every_field_and_the_key_order():
    envelope = Envelope.from_json(json.dumps(ENVELOPE))

    assert envelope.id == uuid.UUID(ENVELOPE["id"])
    assert envelope.occurred_at == datetime(2026, 12, 3, 10, 15, 30, 250000, tzinfo=UTC)
    assert json.loads(envelope.to_json()) == ENVELOPE
    assert list(envelope.to_dict()) == list(ENVELOPE)


def test_rfc3339_writes_utc_with_z():
    assert rfc3339(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)) == "2026-01-02T03:04:05Z"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[]",
        json.dumps({k: v for k, v in ENVELOPE.items() if k != "payload"}).encode(),
        json.dumps({**ENVELOPE, "id": "nope"}).encode(),
        json.dumps({**ENVELOPE, "occurred_at": "2026-12-03T10:15:30"}).encode(),
        json.dumps({**ENVELOPE, "aggregate_version": "3"}).encode(),
        json.dumps({**ENVELOPE, "payload": []}).encode(),
        json.dumps({**ENVELOPE, "type": ""}).encode(),
    ],
)
def test_unreadable_bodies_are_refused(body):
    with pytest.raises(UnreadableEnvelope):
        Envelope.from_json(body)
