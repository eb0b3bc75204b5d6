"""Domain events: wire names, payloads and the JSON envelope of the API contract."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

import pytest

from emporium.shared_kernel.events import DomainEvent, EventEnvelope, snake_case

EVENT_ID = UUID("6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f")
ORDER_ID = UUID("11111111-2222-4333-8444-555555555555")
AT = datetime(2025, 3, 14, 9, 26, 53, 589793, tzinfo=UTC)


@dataclass(frozen=True)
class Price:
    amount: int
    currency: str

    def to_dict(self) -> dict[str, Any]:
        return {"amount": self.amount, "currency": self.currency}


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(DomainEvent):
    context: ClassVar[str] = "ordering"

    customer_id: UUID
    total: Price
    lines: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, kw_only=True)
class SKUChanged(DomainEvent):
    context: ClassVar[str] = "catalog"

    sku: str


@dataclass(frozen=True, kw_only=True)
class TenantCreated(DomainEvent):
    context: ClassVar[str] = "tenancy"
    type: ClassVar[str] = "tenancy.tenant_created_v1"

    slug: str


@dataclass(frozen=True, kw_only=True)
class Contextless(DomainEvent):
    note: str


def placed(**overrides: Any) -> OrderPlaced:
    fields: dict[str, Any] = {
        "aggregate_id": str(ORDER_ID),
        "aggregate_version": 1,
        "event_id": EVENT_ID,
        "occurred_at": AT,
        "customer_id": UUID("aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"),
        "total": Price(2499, "EUR"),
        "lines": ({"sku": "MUG-1", "unit_price": Decimal("12.495"), "at": AT},),
    }
    return OrderPlaced(**(fields | overrides))


def test_type_is_context_dot_snake_case_class_name() -> None:
    assert OrderPlaced.type == "ordering.order_placed"
    assert SKUChanged.type == "catalog.sku_changed"
    assert snake_case("ProductPriceChanged") == "product_price_changed"


def test_a_type_declared_in_the_class_survives_the_class_name() -> None:
    assert TenantCreated.type == "tenancy.tenant_created_v1"


def test_an_event_without_a_context_cannot_be_created() -> None:
    with pytest.raises(TypeError, match="Contextless declares no context"):
        Contextless(aggregate_id="x", aggregate_version=1, note="n")


def test_new_event_gets_a_fresh_id_and_the_current_utc_time() -> None:
    before = datetime.now(UTC)

    first = SKUChanged(aggregate_id="p-1", aggregate_version=1, sku="A")
    second = SKUChanged(aggregate_id="p-1", aggregate_version=2, sku="B")

    assert first.event_id != second.event_id
    assert first.event_id.version == 4
    assert first.occurred_at.tzinfo is UTC
    assert before <= first.occurred_at <= datetime.now(UTC)


def test_occurred_at_is_normalised_to_utc_and_naive_times_are_refused() -> None:
    paris = timezone(timedelta(hours=1))

    event = SKUChanged(
        aggregate_id="p",
        aggregate_version=1,
        sku="A",
        occurred_at=datetime(2025, 1, 1, 13, tzinfo=paris),
    )

    assert event.occurred_at == datetime(2025, 1, 1, 12, tzinfo=UTC)
    assert event.occurred_at.tzinfo is UTC
    with pytest.raises(ValueError, match="timezone-aware"):
        SKUChanged(aggregate_id="p", aggregate_version=1, sku="A", occurred_at=datetime(2025, 1, 1))


def test_payload_holds_only_the_subclass_fields_as_json_safe_values() -> None:
    assert placed().payload() == {
        "customer_id": "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee",
        "total": {"amount": 2499, "currency": "EUR"},
        "lines": [{"sku": "MUG-1", "unit_price": "12.495", "at": "2025-03-14T09:26:53.589793Z"}],
    }


def test_an_event_whose_payload_json_cannot_carry_fails_when_created() -> None:
    with pytest.raises(TypeError, match="set is not JSON-safe"):
        placed(lines=({"tags": {"a", "b"}},))


def test_envelope_wraps_the_event_for_a_tenant() -> None:
    envelope = EventEnvelope.wrap(placed(), "acme")

    assert envelope == EventEnvelope(
        id=EVENT_ID,
        type="ordering.order_placed",
        occurred_at=AT,
        tenant="acme",
        aggregate_id="11111111-2222-4333-8444-555555555555",
        aggregate_version=1,
        payload=placed().payload(),
    )


def test_envelope_json_is_compact_utf8_with_exactly_the_contract_keys() -> None:
    event = SKUChanged(
        aggregate_id="p-7", aggregate_version=3, event_id=EVENT_ID, occurred_at=AT, sku="Café"
    )

    body = EventEnvelope.wrap(event, "acme").to_json()

    assert (
        body
        == (
            '{"id":"6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f","type":"catalog.sku_changed",'
            '"occurred_at":"2025-03-14T09:26:53.589793Z","tenant":"acme",'
            '"aggregate_id":"p-7","aggregate_version":3,"payload":{"sku":"Café"}}'
        ).encode()
    )
    assert list(json.loads(body)) == [
        "id",
        "type",
        "occurred_at",
        "tenant",
        "aggregate_id",
        "aggregate_version",
        "payload",
    ]


def test_envelope_survives_a_json_round_trip() -> None:
    envelope = EventEnvelope.wrap(placed(), "acme")

    assert EventEnvelope.from_json(envelope.to_json()) == envelope
    assert EventEnvelope.from_json(envelope.to_json().decode()) == envelope


def test_a_platform_event_has_a_null_tenant() -> None:
    event = TenantCreated(
        aggregate_id="t-1", aggregate_version=1, event_id=EVENT_ID, occurred_at=AT, slug="acme"
    )

    data = json.loads(EventEnvelope.wrap(event, None).to_json())

    assert data["tenant"] is None
    assert data["type"] == "tenancy.tenant_created_v1"
    assert data["payload"] == {"slug": "acme"}
